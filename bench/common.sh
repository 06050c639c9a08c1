# What every bench script shares; each sources it from the repository root (`source bench/common.sh`).
#
# --dry-run: a bench script called with it does none of its work and changes no files. Instead it checks that the
# work would start: every LayerScope run it would make is validated as a real run validates it (`-Ddry-run`: its
# settings, its stages' checks; what would run is printed), the data set it reads is there, and every option it would
# pass to a Python script (ours in bench/, or the reference in ../shared/peer/) is one that script defines. CI calls
# every bench script so (.ci/run), so that a benchmark whose settings or commands rot fails there, not on the next
# person who runs it. The Python packages themselves are not imported in a dry run: CI hides the system BLAS that
# Debian's NumPy needs, as a fresh machine would not have it.

source .ci/jdk25.sh

DRY_RUN=false
DRY_RUN_TEMP=
DATA=${LAYERSCOPE_DATA_DIR:-$PWD/../shared/data/fashion-mnist}
PEER=../shared/peer/pipeline.py
PYTHON=/usr/bin/python3

# Prints "dry run: <what>" in a dry run (the script's own steps, so the plan reads in order).
dry_note() {
  echo "dry run: $*"
}

# Exits unless the four IDX files of the data set are in $DATA: the bench scripts never download.
require_data() {
  local file missing=()
  for file in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz \
      t10k-labels-idx1-ubyte.gz; do
    [ -f "$DATA/$file" ] || missing+=("$file")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "The data set is not complete in $DATA (missing ${missing[*]}): set LAYERSCOPE_DATA_DIR to the folder" \
      "with Fashion-MNIST's four IDX .gz files" >&2
    exit 1
  fi
}

# Exits unless the Python packages a real run needs import (not called in a dry run; see the top).
require_python() { # message module...
  local message=$1
  shift
  local module
  for module in "$@"; do
    if ! "$PYTHON" -c "import $module" 2>/dev/null; then
      echo "$message" >&2
      exit 1
    fi
  done
}

# Called for --dry-run: a dry run's own files (the classpath, experiment files a script writes) go into a temporary
# folder, removed when the script ends.
start_dry_run() {
  DRY_RUN=true
  DRY_RUN_TEMP=$(mktemp -d)
  trap 'rm -rf "$DRY_RUN_TEMP"' EXIT
}

# In a dry run: validates one LayerScope run, the README's run command with these -D overrides, without running it.
# The first call runs the README's command itself (it writes the classpath a run gets, -Djavac-args); the others
# start the launcher on that classpath directly, as Maven would, which takes seconds instead of a Maven build each.
layerscope_dry_run() { # -Dkey=value...
  local output classpath=$DRY_RUN_TEMP/layerscope.args
  if [ ! -f "$classpath" ] && ! output=$(./mvnw -q compile exec:java -Djavac-args="$classpath" 2>&1); then
    echo "The README's run command does not start: ./mvnw -q compile exec:java" >&2
    echo "$output" | grep -v '^WARNING' >&2
    exit 1
  fi
  if ! output=$("$JAVA_HOME/bin/java" @"$classpath" -Ddry-run "$@" dev.layerscope.launcher.Main 2>&1); then
    echo "This LayerScope run of the bench script would not start: ./mvnw -q compile exec:java $*" >&2
    echo "$output" | grep -v '^WARNING' >&2
    exit 1
  fi
  echo "$output" | grep '^\[dry-run\]'
}

# In a dry run: exits unless the Python script defines each command-line option given (its argparse
# `add_argument` calls, read without running the script), and, for `--stages NAME...`, unless each NAME is in the
# script's ALL_STAGES list.
python_options_dry_run() { # script option...
  "$PYTHON" - "$@" <<'PY'
import ast, sys
script, given = sys.argv[1], sys.argv[2:]
try:
    tree = ast.parse(open(script).read(), script)
except (OSError, SyntaxError) as e:
    sys.exit("bench: cannot read %s: %s" % (script, e))
defined, stages = set(), None
for node in ast.walk(tree):
    if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument":
        defined.update(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "ALL_STAGES" for t in node.targets):
        stages = ast.literal_eval(node.value)
options = [g for g in given if g.startswith("--")]
unknown = [o for o in options if o not in defined]
if unknown:
    sys.exit("bench: %s defines no option %s (it defines %s)" % (script, ", ".join(unknown), ", ".join(sorted(defined))))
if "--stages" in given and stages is not None:
    named = []
    for value in given[given.index("--stages") + 1:]:
        if value.startswith("--"):
            break
        named.append(value)
    missing = [s for s in named if s not in stages]
    if missing:
        sys.exit("bench: %s has no stage %s (its stages: %s)" % (script, ", ".join(missing), ", ".join(stages)))
print("[dry-run] %s defines %s" % (script, " ".join(options)))
PY
}

# In a dry run: exits unless the Python code on standard input parses (a bench script's inline summary).
python_syntax_dry_run() { # label
  "$PYTHON" -c 'import ast, sys; ast.parse(sys.stdin.read(), sys.argv[1]); print("[dry-run] %s parses" % sys.argv[1])' "$1"
}
