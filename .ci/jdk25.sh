# Sourced by .ci/run and bench/ scripts: finds a JDK 25 or newer and puts it first on PATH.
# JDK 25 is installed beside the machine's default JDK 17 and is not on PATH.

# The major version of the java in $1/bin/java, or nothing.
java_major() {
  "$1/bin/java" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p'
}

find_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 25 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(find_jdk25); then
  echo "no JDK 25 or newer found (looked at JAVA_HOME and under /usr/lib/jvm and /opt)." >&2
  echo "Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
echo "using JDK $(java_major "$JAVA_HOME") at $JAVA_HOME"
