#!/usr/bin/env bash
# Nextflow 24.10.0 from the jars Maven copied (target/nextflow-lib; `mvn -f nextflow/pom.xml
# process-test-resources` fetches them), for machines without the nextflow launcher or internet:
#   nextflow/nextflow.sh run nextflow/main.nf -profile local --reference ... --outdir results
# The JVM options (jvm.options) open the JDK packages Nextflow's own launcher opens on Java 17.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIB=${NXF_LIB:-$HERE/target/nextflow-lib}
if ! ls "$LIB"/nextflow-*.jar >/dev/null 2>&1; then
  echo "nextflow.sh: no Nextflow jars in $LIB; run: flock /tmp/regbert-mvn.lock mvn -B -q -f nextflow/pom.xml process-test-resources" >&2
  exit 2
fi
export NXF_OFFLINE=${NXF_OFFLINE:-true}          # no plugin or pipeline downloads
export NXF_DISABLE_CHECK_LATEST=${NXF_DISABLE_CHECK_LATEST:-true}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
exec "$JAVA" @"$HERE/jvm.options" ${NXF_OPTS:-} -cp "$LIB/*" nextflow.cli.Launcher "$@"
