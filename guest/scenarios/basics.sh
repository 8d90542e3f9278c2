echo hello world
echo hi | cat
false; echo status $?
true && echo and-ok || echo and-bad
false || echo or-ok
echo 'single $HOME' "double $HOME" back\ slash
X=42; echo x is $X
export Y=exported; sh -c 'echo child sees $Y'
nosuchcommand; echo notfound $?
sh -c 'exit 7'; echo exit $?
