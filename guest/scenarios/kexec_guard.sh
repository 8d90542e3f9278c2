echo "echo c > /proc/sysrq-trigger" > /dev/vtty2
sleep 1
/sbin/kexec --image /boot/popcorn-light.img --initrd /boot/initramfs-light.cpio --append 'console=ttyS0 present_mask=4-5 memmap=256M@0xa0000000 memmap=4M$0x9fc00000 popcorn_id=4 popcorn_msg=0x9fc00000,0x400000 pci_dev_flags=1b36:0002:b vty_offset=2' --base auto --boot
/sbin/kexec --image /boot/popcorn-light.img --initrd /boot/initramfs-light.cpio --append 'console=ttyS0 present_mask=4-5 memmap=256M@0xa0000000 memmap=4M$0x9fc00000 popcorn_id=2 pci_dev_flags=1b36:0002:b vty_offset=2' --base auto --boot
/sbin/kexec --image /boot/popcorn-light.img --initrd /boot/initramfs-light.cpio --append 'console=ttyS0 present_mask=4-5 memmap=256M@0xa0000000 memmap=4M$0x9fc00000 popcorn_id=2 popcorn_msg=0x9fc00000,0x400000 pci_dev_flags=1b36:0002:b vty_offset=2 sched_slice_us=0' --base auto --boot
/sbin/kexec --image /boot/popcorn-light.img --initrd /boot/initramfs-light.cpio --append 'console=ttyS0 present_mask=4-5 memmap=256M@0xa0000000 memmap=4M$0x9fc00000 popcorn_id=2 popcorn_msg=0x9fc00000,0x400000 pci_dev_flags=1b36:0002:b vty_offset=2 init=/no-such-init' --base auto --boot
sleep 1
cat /proc/popcorn/kernels
/sbin/kexec --image /boot/popcorn-light.img --initrd /boot/initramfs-light.cpio --append 'console=ttyS0 present_mask=4-5 memmap=256M@0xa0000000 memmap=4M$0x9fc00000 popcorn_id=2 popcorn_msg=0x9fc00000,0x400000 pci_dev_flags=1b36:0002:b vty_offset=2' --base auto --boot
sleep 1
cat /proc/popcorn/kernels
echo "echo kernel 2 is 'back'" > /dev/vtty2
sleep 1
cat /dev/vtty2 &
sleep 1
dmesg
