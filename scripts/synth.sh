#!/bin/sh
# `npm run synth`: starts node from the compiled synth when `npm run compile` (run by `npm install`)
# built one for this node, else runs the TypeScript sources. The compiled synth runs the sources
# itself when they changed after it was compiled (scripts/synth-snapshot.ts). Paths in the arguments
# are the caller's: this script never changes folder.
root=$(cd "$(dirname "$0")/.." && pwd)
node=${npm_node_execpath:-node}
compiled="${TODO_CHATBOT_SYNTH_CACHE:-$root/node_modules/.cache/todo-chatbot-synth}/synth-$("$node" --version)-$(uname -m).blob"
if [ -f "$compiled" ]; then
  TODO_CHATBOT_ROOT=$root exec "$node" --snapshot-blob "$compiled" -- "$@"
fi
exec "$node" -r "$root/scripts/register.js" "$root/main.ts" "$@"
