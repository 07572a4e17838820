# Sourced by the bin/ scripts: selects a JDK >= 25 (what the project targets) and builds
# the project on first use. JAVA_HOME wins if it is recent enough, else the newest JDK under
# /usr/lib/jvm.
uring4j_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

uring4j_jdk_major() { # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release"
  [ -x "$1/bin/java" ] && [ -f "$rel" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
}

uring4j_find_jdk() {
  local min=25 best="" best_major=0 cand major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(uring4j_jdk_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for cand in /usr/lib/jvm/*; do
    [ -L "$cand" ] && continue
    major=$(uring4j_jdk_major "$cand")
    if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
      best="$cand"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "uring4j needs a JDK $min or newer: none in JAVA_HOME (${JAVA_HOME:-unset}) or under /usr/lib/jvm." >&2
    echo "Install one (for example Temurin 25: apt-get install temurin-25-jdk) or set JAVA_HOME." >&2
    return 1
  fi
  echo "$best"
}

JAVA_HOME="$(uring4j_find_jdk)" || exit 1
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

# Maven's Guice calls sun.misc.Unsafe, which JDK 24+ warns about on every run. The option that
# allows it quietly exists only on JDK 24+, so it goes here and not in .mvn/jvm.config, where a
# JDK 17 running ./mvnw would die on it before the enforcer could say that JDK 25 is needed.
if [ "$(uring4j_jdk_major "$JAVA_HOME")" -ge 24 ] && [[ " ${MAVEN_OPTS:-} " != *" --sun-misc-unsafe-memory-access="* ]]; then
  export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
fi

uring4j_tools_jar="$uring4j_root/uring4j-tools/target/uring4j-tools.jar"

# The first source file or pom newer than the tools jar, if any. Only sources count: files
# under some module's src/main/ and the poms, never build output (target/ holds copies of the C
# sources that bench compiles, newer than the jar after every bench run).
uring4j_newer_source() {
  find "$uring4j_root" \( -name target -o -name .git -o -name bench-results \) -prune -o \
      -type f \( -path '*/src/main/*' -o -name pom.xml \) -newer "$uring4j_tools_jar" -print -quit
}

# Builds (without tests, javadoc or sources jars) when the tools jar is missing or older than
# any source. `package` only: the command runs from target/, nothing goes into ~/.m2.
uring4j_build_if_stale() {
  if [ ! -f "$uring4j_tools_jar" ] || [ -n "$(uring4j_newer_source)" ]; then
    echo "uring4j: building (first use or sources changed)..." >&2
    (cd "$uring4j_root" && ./mvnw -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package) >&2 || {
      echo "uring4j: the build failed; run ./mvnw -B package to see why." >&2; exit 1; }
  fi
}
