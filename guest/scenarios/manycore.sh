cat /proc/popcorn/kernels
