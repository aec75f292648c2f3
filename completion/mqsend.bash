# bash completion for mqsend                                      -*- shell-script -*-
# The flags are read from `mqsend --help` / `mqsend probe --help` (once per shell), so the
# completion follows the binary it completes.

# Prints the flags of "$1 [$2] --help", one per line.
_mqsend_flags() {
    "$@" --help 2>/dev/null | awk '/^  -/ { n = split($1, names, ","); for (i = 1; i <= n; i++) print names[i] }'
}

_mqsend() {
    local cur prev command=send i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == probe || ${COMP_WORDS[i]} == recall ]] && command=${COMP_WORDS[i]}
    done

    case $prev in
        --mode) COMPREPLY=($(compgen -W 'sync async oneway' -- "$cur")); return ;;
        --serialize) COMPREPLY=($(compgen -W 'json rocketmq' -- "$cur")); return ;;
        --input) COMPREPLY=($(compgen -W 'text json' -- "$cur")); return ;;
        --shard-by) COMPREPLY=($(compgen -W 'keys tags' -- "$cur")); return ;;
        --compress) COMPREPLY=($(compgen -W 'zlib lz4 zstd' -- "$cur")); return ;;
        --file|-l|--input-file|--failed-output|--config|--secret-key-file|--tls-ca|--tls-cert|--tls-key)
            COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
        -n|--namesrv|-t|--topic|--tags|-k|--keys|--shard-key|-g|--group|--namespace|-m|--message|-p|--property|\
        --timeout|--retries|--async-retries|--route-refresh|--delay-level|--deliver-at|--delay|--compress-level|--compress-over|--max-size|\
        --inflight|-D|--delimiter|-K|--key-delimiter|--tag-delimiter|--count|--size|--rate|--stats-interval|\
        --batch|--batch-bytes|--batch-linger|--broker|--queue-id|--fault-latency-max|--fault-not-available|--expect-brokers|\
        --access-key|--secret-key|--producers|--trace-topic)
            return ;;  # a value of the user's own
    esac

    if [[ $cur == -* ]]; then
        local cache=_mqsend_flags_$command
        if [[ -z ${!cache} ]]; then
            if [[ $command != send ]]; then
                printf -v "$cache" '%s' "$(_mqsend_flags "${COMP_WORDS[0]}" "$command")"
            else
                printf -v "$cache" '%s' "$(_mqsend_flags "${COMP_WORDS[0]}")"
            fi
        fi
        COMPREPLY=($(compgen -W "${!cache}" -- "$cur"))
    elif [[ $command == send ]]; then
        COMPREPLY=($(compgen -W 'probe recall' -- "$cur"))
    fi
}
complete -F _mqsend mqsend
