kill -QUIT 1; kill -TERM 1; kill -HUP 1; kill -USR1 1; kill -KILL 1; kill -STOP 1
echo primary-init-'alive'
echo "kill -QUIT 65537; kill -TERM 65537; kill -KILL 65537; kill -STOP 65537; echo kernel1-init-'alive'" > /dev/vtty1
sleep 1
cat /bin/busybox > /dev/vtty1
printf '\n\003\n' > /dev/vtty1
sleep 1
echo "echo after-'binary'" > /dev/vtty1
sleep 1
cat /proc/popcorn/kernels
cat /dev/vtty1 &
sleep 1
