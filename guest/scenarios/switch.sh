1
cat /proc/cmdline
0
cat /proc/cmdline
