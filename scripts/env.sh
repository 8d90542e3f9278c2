# Sourced by PopcornJ's scripts: selects a JDK 25 and the Maven wrapper.
# A JDK is taken from POPCORNJ_JAVA_HOME, then JAVA_HOME, then /usr/lib/jvm, if it is version 25 or newer.
# The version comes from the JDK's release file when it has one (asking java itself starts a JVM,
# a tenth of a second on every popcorn command).
popcornj_java_ok() {
  [ -x "$1/bin/java" ] || return 1
  local v= line
  if [ -f "$1/release" ]; then
    # read by the shell itself: every process started here is a few milliseconds of each command
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in
        JAVA_VERSION=*)
          v=${line#JAVA_VERSION=\"}
          v=${v%%[!0-9]*}
          break
          ;;
      esac
    done <"$1/release"
  fi
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  fi
  [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null
}
popcornj_select_java() {
  local c
  for c in "${POPCORNJ_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$c" ] || continue
    if popcornj_java_ok "$c"; then
      export JAVA_HOME="$c"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "popcorn: no JDK 25 found under /usr/lib/jvm; install one (for example: apt-get install temurin-25-jdk) or set POPCORNJ_JAVA_HOME" >&2
  return 2
}
