echo "echo via-'pipe'" | vtty 1
vtty 2
echo via-'raw'
d
echo done-'vtty'
cat /proc/popcorn/vtty
