#!/usr/bin/env bash
# sslscan's verdicts on one server, in the terms of fairrate's TLS enumeration
# (docs/collector.md "TLS enumeration"), for comparing the two:
#   scripts/sslscan-verdicts.sh ADDRESS:PORT SNI
# prints one line: "versions=TLSv1,TLSv1.1,TLSv1.2,TLSv1.3 null=1 anonymous=1 export=0
# rc4=0 3des=0 cbc_sha1=1 no_forward_secrecy=1" (a class is 1 when sslscan saw the
# server accept a suite of it). The classes are read from OpenSSL's suite names:
#   null: NULL in the name; anonymous: ADH- or AECDH-; export: EXP or single DES
#   (DES-CBC-); rc4: RC4; 3des: DES-CBC3 or 3DES; cbc_sha1: a CBC cipher (AES,
#   CAMELLIA, SEED, IDEA) ending in -SHA; no_forward_secrecy: no ephemeral or anonymous
#   key exchange (not ECDHE-, DHE-, EDH-, ADH-, AECDH-, TLS_).
set -euo pipefail
target=$1 sni=$2
out=$(sslscan --no-colour --no-check-certificate --no-heartbleed --no-renegotiation \
  --no-compression --no-groups --no-fallback --no-cipher-details --sni-name="$sni" \
  "$target" 2>&1) || { echo "sslscan failed on $target: $out" >&2; exit 1; }
printf '%s\n' "$out" | awk '
  /^(SSLv3|TLSv1\.[0-3]) +enabled/ {
    v = $1; sub(/^TLSv1\.0$/, "TLSv1", v); vers = vers (vers ? "," : "") v }
  /^(Preferred|Accepted) / {
    n = $5
    if (n ~ /NULL/) c["null"] = 1
    if (n ~ /^(ADH|AECDH)-/) c["anonymous"] = 1
    if (n ~ /EXP|(^|-)DES-CBC-/) c["export"] = 1
    if (n ~ /RC4/) c["rc4"] = 1
    if (n ~ /DES-CBC3|3DES/) c["3des"] = 1
    if (n ~ /(AES|CAMELLIA|SEED|IDEA)[0-9]*(-CBC)?-SHA$/ && n !~ /GCM|CCM|CHACHA/) c["cbc_sha1"] = 1
    if (n !~ /^(ECDHE|DHE|EDH|ADH|AECDH|TLS_)/ && n !~ /PSK|SRP/) c["no_forward_secrecy"] = 1
  }
  END {
    printf "versions=%s", vers
    split("null anonymous export rc4 3des cbc_sha1 no_forward_secrecy", k, " ")
    for (i = 1; i <= 7; i++) printf " %s=%d", k[i], c[k[i]] + 0
    printf "\n"
  }'
