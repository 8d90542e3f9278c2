echo "echo c > /proc/sysrq-trigger" > /dev/vtty2
sleep 1
/sbin/kexec --image /boot/popcorn-full.img --initrd /boot/initramfs-full.cpio --append 'console=ttyS0 popcorn_id=2 present_mask=4-5 memmap=256M@0xa0000000 memmap=4M$0x9fc00000 popcorn_msg=0x9fc00000,0x400000 pci_dev_flags=1b36:0002:b vty_offset=2' --base auto --boot
sleep 1
echo "echo full-'shell'; exit" > /dev/vtty2
sleep 1
cat /dev/vtty2 &
sleep 1
dmesg
cat /proc/popcorn/kernels
/sbin/kexec --image /boot/popcorn-light.img --initrd /boot/initramfs-light.cpio --append 'console=ttyS0 popcorn_id=2 present_mask=4-5 memmap=256M@0xa0000000 memmap=4M$0x9fc00000 popcorn_msg=0x9fc00000,0x400000 pci_dev_flags=1b36:0002:b vty_offset=2' --base auto --boot
sleep 1
cat /proc/popcorn/kernels
