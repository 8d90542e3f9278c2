ls /
cat /etc/motd
mkdir -p /tmp/scn/a/b
echo first > /tmp/scn/f
echo second >> /tmp/scn/f
cat < /tmp/scn/f
ls /tmp/scn
cat /tmp/scn/missing 2> /tmp/scn/err; echo cat-status $?
cat /tmp/scn/err
ls /tmp/scn/nothing 2>&1 | cat
rm -r /tmp/scn; ls /tmp/scn; echo gone $?
