#!/usr/bin/env bash
# Issue 9's benchmark: ReadingCodec's hand-written scanner against Jackson's streaming parser doing
# the same contract checks (JMH 1.37, one record per operation, ns/op). See bench/README.md.
#
#   bench/readings-codec-jmh.sh [JMH options]      one JMH run, e.g. -f 2 -wi 3 -i 5 -p records=samples
#   bench/readings-codec-jmh.sh --rounds N [JMH options]
#       N rounds; in each, one short JMH run (-f 1 -wi 2 -i 3 unless given) of each decoder on each
#       record set, back to back, so that a shared machine's load hits both alike. Prints every
#       run's JMH score line, then per record set the median score of each and the ratio.
#
# No `mvn install`: bench and the modules it uses are packaged in one reactor build, and the
# classpath points at their target/ folders.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=0
if [[ "${1:-}" == "--rounds" ]]; then
    rounds="$2"
    shift 2
fi
mvn -B -q -pl bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime
cp="bench/target/classes:$(cat bench/target/bench.classpath)"
bench='io.sluice.bench.ReadingCodecBench'
if [[ "$rounds" == 0 ]]; then
    exec java -cp "$cp" org.openjdk.jmh.Main "$bench" "$@"
fi
opts=("$@")
[[ ${#opts[@]} -gt 0 ]] || opts=(-f 1 -wi 2 -i 3)
scores=$(mktemp)
for round in $(seq 1 "$rounds"); do
    for records in samples simulator; do
        for decoder in handScanner jacksonStreaming; do
            java -cp "$cp" org.openjdk.jmh.Main "$bench.$decoder\$" -p records="$records" \
                "${opts[@]}" 2>&1 | grep -E "^ReadingCodecBench\.$decoder " | tee -a "$scores"
        done
    done
done
# Each line: Benchmark (records) Mode Cnt Score ± Error Units
awk '{ key = $2; name = $1; sub("ReadingCodecBench.", "", name); s[key, name, ++n[key, name]] = $5 }
     END {
       split("samples simulator", sets, " ");
       for (i = 1; i <= 2; i++) {
         k = sets[i];
         for (j = 1; j <= 2; j++) {
           d = j == 1 ? "handScanner" : "jacksonStreaming";
           m = n[k, d];
           for (a = 1; a <= m; a++) v[a] = s[k, d, a];
           for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (v[b] < v[a]) { t = v[a]; v[a] = v[b]; v[b] = t }
           med[d] = m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2;
           printf "median   %-9s %-16s %9.1f ns/record  (%d runs)\n", k, d, med[d], m;
         }
         printf "ratio    %-9s jackson/scanner  %9.2f  (the scanner stays if >= 2.00)\n", k, med["jacksonStreaming"] / med["handScanner"];
       }
     }' "$scores"
rm -f "$scores"
