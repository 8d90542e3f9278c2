sleep 0.2 &
wait
echo waited
sleep 0.1 & sleep 0.1 &
wait; echo both
sleep 1 &
jobs
fg
echo fg-status $?
sleep 5 &
kill -STOP %1
jobs -l
kill -CONT %1; kill %1
wait; echo killed $?
cd /tmp; pwd
cd; pwd
echo one; echo two | cat; echo three
exit 3
echo not here
