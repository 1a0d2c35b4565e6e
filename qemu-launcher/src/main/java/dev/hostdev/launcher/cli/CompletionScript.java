package dev.hostdev.launcher.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The bash completion script of {@code hostdev}: picocli's (commands and options, from the same model
 * as the man pages), with a layer on top that completes what a static script cannot know: device
 * addresses and bus-ports (asked of {@code hostdev list --all}), VM names ({@code hostdev vm list}) and
 * spec files ({@code *.toml}). Which argument takes what comes from the model too: a positional
 * labelled {@code DEV} takes devices, {@code NAME} a VM, {@code SPEC} a spec file. A {@code --root DIR}
 * on the line being completed is passed on, so the devices offered are those of that tree. Written at
 * build time to {@code target/completion/hostdev} (see qemu-launcher/pom.xml).
 */
public final class CompletionScript {
    private CompletionScript() {
    }

    /** Writes the script to the file named by the one argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CompletionScript OUTPUT_FILE");
        }
        Path out = Path.of(args[0]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, script(), StandardCharsets.UTF_8);
    }

    /** The whole script. */
    static String script() {
        CommandLine cl = Cli.newCommandLine();
        return AutoComplete.bash("hostdev", cl) + dynamicLayer(cl.getCommandSpec());
    }

    /** What each command's positionals take and which of its options take a value. */
    private record Shape(List<String> valueOptions, List<String> kinds, boolean lastRepeats) {
    }

    private static void collect(CommandSpec spec, String path, Map<String, Shape> out) {
        List<String> valueOptions = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.arity().max() > 0) {
                valueOptions.addAll(List.of(o.names()));
            }
        }
        List<String> kinds = new ArrayList<>();
        boolean repeats = false;
        for (PositionalParamSpec p : spec.positionalParameters()) {
            kinds.add(kind(p));
            repeats = p.arity().max() > 1;
        }
        out.put(path, new Shape(valueOptions, kinds, repeats));
        spec.subcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec() == spec.subcommands().get(name).getCommandSpec() && !name.equals("help")) {
                collect(sub.getCommandSpec(), path.isEmpty() ? name : path + " " + name, out);
            }
        });
    }

    private static String kind(PositionalParamSpec p) {
        String description = String.join(" ", p.description());
        return switch (p.paramLabel()) {
            case "DEV" -> description.startsWith("PCI devices") ? "pci" : "dev";
            case "NAME" -> "vm";
            case "SPEC" -> "spec";
            default -> "-";
        };
    }

    private static String dynamicLayer(CommandSpec root) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        collect(root, "", shapes);
        StringBuilder s = new StringBuilder();
        s.append("""

                # ---- Hostdev: device addresses, VM names and spec files --------------------------------------
                # picocli's functions above complete commands and options; these ask hostdev itself for what
                # exists now. Generated from the same model (dev.hostdev.launcher.cli.CompletionScript).

                # _hostdev_shape PATH: "VALUE_OPTIONS|KIND KIND...|REPEATS" for the command PATH ("vm rm"), or ?.
                function _hostdev_shape() {
                  case "$1" in
                """);
        shapes.forEach((path, shape) -> s.append("    '").append(path).append("') echo '")
                .append(String.join(" ", shape.valueOptions())).append('|').append(String.join(" ", shape.kinds()))
                .append('|').append(shape.lastRepeats() ? "1" : "0").append("' ;;\n"));
        s.append("""
                    *) echo '?' ;;
                  esac
                }

                # The devices of the host (or of --root DIR): PCI addresses (also without the 0000: domain) and
                # USB bus-ports, from 'hostdev list --all'; with "pci" PCI addresses only.
                function _hostdev_devices() {
                  local cmd=$1 kind=$2; shift 2
                  local line w
                  "$cmd" list --all "$@" 2>/dev/null | while IFS= read -r line; do
                    case $line in
                      [0-9a-f]*:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f].[0-7]\\ *)
                        w=${line%% *}; echo "$w"; [[ $w == 0000:* ]] && echo "${w#0000:}" ;;
                      Bus\\ *port=*)
                        [[ $kind == pci ]] || { w=${line##*port=}; echo "${w%% *}"; } ;;
                    esac
                  done
                }

                # The VMs Hostdev knows of, from 'hostdev vm list' (its first column).
                function _hostdev_vms() {
                  local cmd=$1; shift
                  local line first=1
                  "$cmd" vm list "$@" 2>/dev/null | while IFS= read -r line; do
                    if (( first )); then first=0; [[ $line == NAME\\ * ]] || return 0; continue; fi
                    echo "${line%% *}"
                  done
                }

                function _hostdev_complete() {
                  local line=${COMP_LINE:0:COMP_POINT}
                  local -a words
                  read -ra words <<< "$line"
                  local cur=
                  if [[ $line != *[[:space:]] && ${#words[@]} -gt 0 ]]; then
                    cur=${words[${#words[@]}-1]}
                    unset 'words[${#words[@]}-1]'
                  fi
                  if [[ $cur != -* && ${#words[@]} -gt 0 ]]; then
                    local cmd=${words[0]} path= shape valueopts kinds repeats
                    local -a root=()
                    local i w n=0 skip=0
                    [[ $cmd == */* || $(type -t "$cmd") ]] || cmd=hostdev
                    for (( i = 1; i < ${#words[@]}; i++ )); do
                      w=${words[i]}
                      if (( skip )); then skip=0; [[ ${words[i-1]} == --root ]] && root=(--root "$w"); continue; fi
                      shape=$(_hostdev_shape "$path"); valueopts=" ${shape%%|*} "
                      if [[ $w == --root=* ]]; then root=(--root "${w#--root=}"); continue; fi
                      if [[ $w == -* ]]; then [[ $w == --root || ($w != *=* && $valueopts == *" $w "*) ]] && skip=1; continue; fi
                      if (( n == 0 )) && [[ $(_hostdev_shape "${path:+$path }$w") != '?' || $w == help ]]; then
                        path=${path:+$path }$w; continue
                      fi
                      (( n++ ))
                    done
                    shape=$(_hostdev_shape "$path"); kinds=${shape#*|}; repeats=${kinds##*|}; kinds=${kinds%|*}
                    local -a k=($kinds)
                    local kind=
                    if (( skip )); then kind=
                    elif (( n < ${#k[@]} )); then kind=${k[n]}
                    elif (( repeats && ${#k[@]} > 0 )); then kind=${k[${#k[@]}-1]}
                    fi
                    local IFS=$'\\n'
                    case $kind in
                      dev|pci) COMPREPLY=( $(compgen -W "$(_hostdev_devices "$cmd" "$kind" "${root[@]}")" -- "$cur") ) ;;
                      vm) COMPREPLY=( $(compgen -W "$(_hostdev_vms "$cmd" "${root[@]}")" -- "$cur") ) ;;
                      spec)
                        type compopt &>/dev/null && compopt -o filenames
                        COMPREPLY=( $(compgen -f -X '!*.toml' -- "$cur") $(compgen -d -- "$cur") ) ;;
                      *) kind= ;;
                    esac
                    if [[ -n $kind ]]; then
                      # bash splits words at ':' (COMP_WORDBREAKS): give back only what follows the last one typed
                      if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
                        local pre=${cur%"${cur##*:}"}
                        local j
                        for j in "${!COMPREPLY[@]}"; do COMPREPLY[j]=${COMPREPLY[j]#"$pre"}; done
                      fi
                      return 0
                    fi
                  fi
                  _complete_hostdev "$@"
                }

                complete -F _hostdev_complete -o default hostdev hostdev.sh hostdev.bash
                """);
        return s.toString();
    }
}
