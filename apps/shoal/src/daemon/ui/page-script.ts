// The dashboard's script, served as /ui/app.js (a string: the daemon serves it from memory,
// the same from the tsc output and from the CLI bundle). Plain browser JavaScript; it writes
// what the API says with textContent only. Its secrets (ui/sessions.ts): a session in the
// tab's sessionStorage, sent as a bearer header; a link's code read from the fragment and
// wiped from the address bar at once. No secret ever goes into a URL.
export const PAGE_SCRIPT = String.raw`'use strict'
;(function () {
  var SESSION_KEY = 'shoal-session'
  var REFRESH_MS = 2000
  var session = null
  var timer = null
  var refreshing = false
  var $ = function (id) { return document.getElementById(id) }

  function formatBytes (n) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
    var i = 0
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++ }
    return (i === 0 ? String(n) : n.toFixed(1)) + ' ' + units[i]
  }
  function formatSeconds (s) {
    if (s < 120) return s.toFixed(s < 10 && !Number.isInteger(s) ? 2 : 0) + ' s'
    if (s < 7200) return Math.round(s / 60) + ' min'
    if (s < 172800) return Math.round(s / 3600) + ' h'
    return Math.round(s / 86400) + ' days'
  }

  class ApiError extends Error {
    constructor (status, code, message) { super(message); this.status = status; this.code = code }
  }

  // One API call; bearer: the session (default), another secret, or none (false).
  async function api (method, path, body, bearer) {
    var headers = {}
    var secret = bearer === undefined ? session : bearer
    if (secret) headers.authorization = 'Bearer ' + secret
    if (body !== undefined) headers['content-type'] = 'application/json'
    var res = await fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' })
    var value = await res.json().catch(function () { return null })
    if (!res.ok) {
      var error = (value && value.error) || { code: 'ERR_HTTP', message: 'HTTP ' + res.status }
      if (res.status === 401 && bearer === undefined) signOut('the session ended (was the node restarted?): sign in again')
      throw new ApiError(res.status, error.code, error.message)
    }
    return value
  }

  function signIn (newSession) {
    session = newSession
    sessionStorage.setItem(SESSION_KEY, newSession)
    $('login').hidden = true
    $('dashboard').hidden = false
    $('sign-out').hidden = false
    refresh()
    if (timer === null) timer = setInterval(refresh, REFRESH_MS)
  }

  function signOut (message) {
    session = null
    sessionStorage.removeItem(SESSION_KEY)
    if (timer !== null) { clearInterval(timer); timer = null }
    $('dashboard').hidden = true
    $('sign-out').hidden = true
    $('login').hidden = false
    $('login-error').textContent = message || ''
    setState('signed out', '')
  }

  function setState (text, kind) {
    var pill = $('node-state')
    pill.textContent = text
    pill.className = 'pill ' + kind
  }

  async function refresh () {
    if (refreshing || session === null) return
    refreshing = true
    try {
      var answers = await Promise.all([api('GET', '/v1/status'), api('GET', '/v1/peers'), api('GET', '/v1/transfers')])
      showStatus(answers[0])
      showPeers(answers[1])
      showTransfers(answers[2])
      setState('online · ' + answers[0].peers + (answers[0].peers === 1 ? ' peer' : ' peers'), 'online')
    } catch (err) {
      if (session !== null) setState('unreachable: ' + err.message, 'offline')
    } finally {
      refreshing = false
    }
  }

  function showStatus (status) {
    $('peer-id').textContent = status.peerId
    $('version').textContent = status.version
    $('uptime').textContent = formatSeconds(status.uptimeSeconds)
    $('addresses').textContent = status.addresses.join('\n')
    var store = status.store
    $('space-used').textContent = formatBytes(store.bytes)
    $('space-offered').textContent = formatBytes(store.space)
    $('space-bar').value = store.space > 0 ? store.bytes / store.space : 0
    $('chunks').textContent = String(store.chunks)
    $('disk-free').textContent = store.diskFree === null ? 'unknown' : formatBytes(store.diskFree)
    var figures = $('repair-figures')
    var rows = []
    var repair = status.repair
    if (repair === null) {
      rows.push(['Repair', 'not running on this node'])
    } else {
      rows.push(['Queue', repair.queueLength], ['Chunks repaired', repair.chunksRepaired], ['Under target', repair.chunksUnderTarget],
        ['Stripes repaired', repair.stripesRepaired], ['Pieces rebuilt', repair.piecesRebuilt], ['Handed off', repair.handedOff],
        ['Repair traffic', formatBytes(repair.repairBytesSent + repair.repairBytesFetched)],
        ['Audits passed', repair.auditsPassed], ['Audits failed', repair.auditsFailed], ['Scrubbed', repair.scrubbed],
        ['Corrupt replaced', repair.corruptReplaced])
    }
    figures.replaceChildren.apply(figures, rows.flatMap(function (row) {
      var dt = document.createElement('dt')
      var dd = document.createElement('dd')
      dt.textContent = row[0]
      dd.textContent = String(row[1])
      return [dt, dd]
    }))
  }

  function showPeers (peers) {
    $('peer-count').textContent = String(peers.length)
    var list = $('peer-list')
    list.replaceChildren.apply(list, peers.map(function (peer) {
      var li = document.createElement('li')
      li.textContent = peer.peerId + (peer.addresses.length > 0 ? '  ' + peer.addresses[0] : '')
      li.title = peer.addresses.join('\n')
      return li
    }))
  }

  function showTransfers (transfers) {
    var body = $('transfer-rows')
    body.replaceChildren.apply(body, transfers.map(function (t) {
      var tr = document.createElement('tr')
      var cells = [new Date(t.at).toLocaleTimeString(), t.direction === 'put' ? 'upload' : 'download', t.name || '(no name)',
        formatBytes(t.bytes), formatSeconds(t.ms / 1000), formatBytes(t.bytesPerSecond) + '/s']
      cells.forEach(function (text, i) {
        var td = document.createElement('td')
        td.textContent = text
        if (i >= 3) td.className = 'number'
        tr.appendChild(td)
      })
      tr.className = 'transfer ' + t.direction
      return tr
    }))
  }

  function setUploadProgress (fraction) {
    var percent = Math.floor(fraction * 100)
    $('upload-bar').value = percent
    $('upload-percent').textContent = percent + '%'
  }

  // XMLHttpRequest, not fetch: only it reports an upload's progress. The body is the file's
  // raw bytes, streamed by the browser.
  function upload (file) {
    var status = $('upload-status')
    $('upload-uri').textContent = ''
    setUploadProgress(0)
    status.className = ''
    status.textContent = 'sending ' + file.name + ' (' + formatBytes(file.size) + ')…'
    var query = new URLSearchParams({ name: file.name })
    if (file.lastModified > 0) query.set('mtime', String(file.lastModified))
    var xhr = new XMLHttpRequest()
    xhr.open('POST', '/v1/files?' + query.toString())
    xhr.setRequestHeader('authorization', 'Bearer ' + session)
    xhr.setRequestHeader('content-type', 'application/octet-stream')
    xhr.upload.addEventListener('progress', function (e) { if (e.lengthComputable) setUploadProgress(e.loaded / e.total) })
    xhr.upload.addEventListener('load', function () {
      setUploadProgress(1)
      status.textContent = 'storing ' + file.name + ' on the network…'
    })
    xhr.addEventListener('load', function () {
      var answer = null
      try { answer = JSON.parse(xhr.responseText) } catch (e) {}
      if (xhr.status === 201 && answer !== null) {
        setUploadProgress(1)
        status.textContent = 'stored ' + file.name + ' (' + formatBytes(answer.size) + ', ' + answer.chunks + (answer.chunks === 1 ? ' chunk)' : ' chunks)')
        $('upload-uri').textContent = answer.uri
        refresh()
      } else {
        status.className = 'error'
        status.textContent = 'upload failed: ' + (answer && answer.error ? answer.error.message : 'HTTP ' + xhr.status)
        if (xhr.status === 401) signOut('the session ended: sign in again')
      }
    })
    xhr.addEventListener('error', function () {
      status.className = 'error'
      status.textContent = 'upload failed: the connection to the node broke'
    })
    xhr.send(file)
  }

  // A single-use ticket first (the error, if any, shows here), then a plain link the
  // browser's download manager streams to disk: the file is never held in the page.
  async function download (uri) {
    var status = $('download-status')
    status.className = ''
    status.textContent = 'looking up ' + uri + '…'
    try {
      var answer = await api('POST', '/v1/ui/downloads', { uri: uri })
      var link = document.createElement('a')
      link.href = '/v1/ui/downloads/' + answer.ticket
      link.download = answer.name
      document.body.appendChild(link)
      link.click()
      link.remove()
      status.textContent = 'downloading ' + answer.name + ' (' + formatBytes(answer.size) + '): see your browser\'s downloads'
    } catch (err) {
      status.className = 'error'
      status.textContent = 'download failed: ' + err.message
    }
  }

  async function start () {
    $('login-form').addEventListener('submit', async function (e) {
      e.preventDefault()
      var input = $('token')
      try {
        var answer = await api('POST', '/v1/ui/sessions', undefined, input.value.trim())
        input.value = ''
        signIn(answer.session)
      } catch (err) {
        $('login-error').textContent = err.status === 401 ? 'that is not this node\'s API token' : err.message
      }
    })
    $('sign-out').addEventListener('click', function () { signOut('') })
    $('file').addEventListener('change', function (e) { if (e.target.files.length > 0) upload(e.target.files[0]); e.target.value = '' })
    var drop = $('drop')
    drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over') })
    drop.addEventListener('dragleave', function () { drop.classList.remove('over') })
    drop.addEventListener('drop', function (e) {
      e.preventDefault()
      drop.classList.remove('over')
      if (e.dataTransfer.files.length > 0) upload(e.dataTransfer.files[0])
    })
    $('download-form').addEventListener('submit', function (e) {
      e.preventDefault()
      var uri = $('download-uri').value.trim()
      if (uri !== '') download(uri)
    })

    var code = /(?:^#|&)code=([A-Za-z0-9_-]+)/.exec(location.hash)
    if (code !== null) {
      // out of the address bar and the history before anything else happens
      history.replaceState(null, '', location.pathname)
      try {
        signIn((await api('POST', '/v1/ui/redeem', { code: code[1] }, false)).session)
      } catch (err) {
        signOut(err.message)
      }
      return
    }
    var kept = sessionStorage.getItem(SESSION_KEY)
    if (kept !== null) signIn(kept)
    else signOut('')
  }

  start()
})()
`
