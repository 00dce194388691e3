#!/usr/bin/env -S node --max-semi-space-size=4
// --max-semi-space-size=4: V8's young generation may otherwise grow to 3 x 16 MiB while
// chunks stream through, which alone kept a 1 GiB get above 200 MiB RSS; at 4 MiB it
// stays under (bench/README.md). Run as `node bin/shoal.js` the flag is not applied.
import '../dist/src/bin.js'
