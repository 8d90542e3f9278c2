printf 'b 2\na 1\nc 3\n' > /tmp/t
sort /tmp/t | head -n 2
awk '{ s += $2 } END { print "sum", s }' /tmp/t
sed -n 's/^c /see /p' /tmp/t
echo matches $(grep -c '[ab]' /tmp/t)
cat /tmp/t | tr a-z A-Z | sort -r | tail -n 1
echo lines $(wc -l < /tmp/t)
ls -l /bin/sh
readlink /usr/bin/awk
find /etc -name motd
echo squeezed-'text' | gzip -c | gunzip
tar cf /tmp/t.tar -C /etc motd passwd && tar tf /tmp/t.tar | sort
id
seq 1 5 | xargs echo
echo $((6 * 7))
mount
top -b -n 1 | head -n 2
