sleep 0.2 &
wait
echo waited
sleep 0.1 & sleep 0.1 &
wait; echo both
cd /tmp; pwd
cd; pwd
echo one; echo two | cat; echo three
exit 3
echo not here
