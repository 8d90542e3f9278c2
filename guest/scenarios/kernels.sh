cat /proc/popcorn/kernels
echo "echo c > /proc/sysrq-trigger" > /dev/vtty2
sleep 1
cat /proc/popcorn/kernels
/sbin/kexec --image /boot/popcorn-full.img --initrd /boot/initramfs-light.cpio --append 'console=ttyS0 popcorn_id=2 present_mask=4-5 memmap=256M@0xa0000000 memmap=4M$0x9fc00000 popcorn_msg=0x9fc00000,0x400000 pci_dev_flags=1b36:0002:b vty_offset=2' --base auto --boot
sleep 1
cat /proc/popcorn/kernels
echo "echo hello from kernel 2" > /dev/vtty2
echo 'echo $(ls /dev)' > /dev/vtty2
echo "dmesg" > /dev/vtty3
echo 'echo $(ls /dev)' > /dev/vtty3
sleep 1
cat /dev/vtty2 &
sleep 1
cat /dev/vtty3 &
sleep 1
