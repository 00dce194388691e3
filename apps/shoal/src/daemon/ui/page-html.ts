// The dashboard's one page. Every figure is an element with an id that the script fills
// (textContent only: nothing from the API is ever parsed as HTML).
export const PAGE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Shoal node</title>
<link rel="stylesheet" href="/ui/app.css">
<script src="/ui/app.js" defer></script>
</head>
<body>
<header>
  <h1>Shoal</h1>
  <span id="node-state" class="pill">connecting…</span>
  <button id="sign-out" type="button" hidden>Sign out</button>
</header>

<section id="login" class="card" hidden>
  <h2>Sign in</h2>
  <p>Open the link that <code>shoal ui</code> prints, or paste the API token (the file <code>api-token</code> in the node's data dir). The token is exchanged for a session of this tab and not kept.</p>
  <form id="login-form">
    <input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="API token" aria-label="API token">
    <button type="submit">Open</button>
  </form>
  <p id="login-error" class="error" role="alert"></p>
</section>

<main id="dashboard" hidden>
  <section class="card" id="node">
    <h2>Node</h2>
    <dl>
      <dt>Peer ID</dt><dd id="peer-id" class="mono"></dd>
      <dt>Version</dt><dd id="version"></dd>
      <dt>Uptime</dt><dd id="uptime"></dd>
      <dt>Listening</dt><dd id="addresses" class="mono"></dd>
    </dl>
  </section>

  <section class="card" id="space">
    <h2>Space</h2>
    <p class="figure"><span id="space-used">–</span> used of <span id="space-offered">–</span> offered</p>
    <progress id="space-bar" max="1" value="0"></progress>
    <p><span id="chunks">–</span> chunks held · <span id="disk-free">–</span> free on disk</p>
  </section>

  <section class="card" id="peers">
    <h2>Peers <span id="peer-count" class="figure">–</span></h2>
    <ul id="peer-list" class="mono"></ul>
  </section>

  <section class="card" id="repair">
    <h2>Repair and audits</h2>
    <dl id="repair-figures"></dl>
  </section>

  <section class="card wide" id="upload">
    <h2>Upload</h2>
    <div id="drop" class="drop">
      Drop a file here, or <label class="button">choose one<input id="file" type="file" hidden></label>
    </div>
    <div class="progress-line">
      <progress id="upload-bar" max="100" value="0"></progress>
      <span id="upload-percent">0%</span>
    </div>
    <p id="upload-status" role="status"></p>
    <p>URI: <output id="upload-uri" class="mono"></output></p>
  </section>

  <section class="card wide" id="download">
    <h2>Download</h2>
    <form id="download-form">
      <input id="download-uri" type="text" autocomplete="off" spellcheck="false" placeholder="shoal:…" aria-label="URI to download">
      <button type="submit">Download</button>
    </form>
    <p id="download-status" role="status"></p>
  </section>

  <section class="card wide" id="transfers">
    <h2>Recent transfers</h2>
    <table>
      <thead><tr><th>When</th><th>Direction</th><th>Name</th><th>Size</th><th>Time</th><th>Speed</th></tr></thead>
      <tbody id="transfer-rows"></tbody>
    </table>
  </section>
</main>
</body>
</html>
`
