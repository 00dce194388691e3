// The dashboard's style sheet: plain CSS, no web fonts (the page loads nothing from outside).
export const PAGE_STYLE = String.raw`
:root { color-scheme: light; --ink: #1d2733; --muted: #5b6878; --line: #d8dee6; --accent: #0b6bcb; --bad: #b3261e; --good: #1a7f37 }
* { box-sizing: border-box }
[hidden] { display: none !important }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: #f4f6f9 }
header { display: flex; gap: 1rem; align-items: center; padding: .8rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line) }
header h1 { margin: 0; font-size: 1.3rem }
#sign-out { margin-left: auto }
.pill { padding: .15rem .6rem; border-radius: 1rem; background: #e6ebf1; font-size: .85rem }
.pill.online { background: #dcf5e3; color: var(--good) }
.pill.offline { background: #fbe2e0; color: var(--bad) }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1rem; padding: 1rem 1.5rem }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; min-width: 0 }
#login { max-width: 36rem; margin: 2rem auto }
.wide { grid-column: 1 / -1 }
h2 { margin: 0 0 .6rem; font-size: 1rem; color: var(--muted) }
.figure { font-size: 1.15rem; font-weight: 600; color: var(--ink) }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: 0 }
dt { color: var(--muted) }
dd { margin: 0; overflow-wrap: anywhere }
.mono { font-family: ui-monospace, monospace; font-size: .85rem; overflow-wrap: anywhere }
ul { margin: 0; padding-left: 1.1rem; max-height: 12rem; overflow: auto }
progress { width: 100%; height: 1rem }
.progress-line { display: flex; gap: .6rem; align-items: center; margin: .6rem 0 }
.drop { border: 2px dashed var(--line); border-radius: 8px; padding: 1.4rem; text-align: center; color: var(--muted) }
.drop.over { border-color: var(--accent); background: #eef5fd }
.button, button { display: inline-block; padding: .3rem .8rem; border: 1px solid var(--accent); border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; font: inherit }
form { display: flex; gap: .5rem }
input[type=text], input[type=password] { flex: 1; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 6px; font: inherit; min-width: 0 }
.error { color: var(--bad) }
table { width: 100%; border-collapse: collapse }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line) }
td.number, th.number { text-align: right }
`
