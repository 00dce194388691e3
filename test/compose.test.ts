// docker-compose.yml and the Dockerfile, checked without a Docker engine (this machine has
// none): the compose file against the Compose Specification's JSON schema, every flag it
// and the client script give against `shoal <command> --help`, and the image's shape.
// compose-run.test.ts runs the same commands as processes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import dockerignoreModule from '@balena/dockerignore'
import type { Copy } from 'dockerfile-ast'
import {
  argList, clientFlags, composeText, execForm, finalInstruction, flagsOf, helpFlags, loadClientScript,
  parseCompose, readDockerfile, repoRoot, unknownFlags, type ComposeFile
} from './helpers/compose.js'

const NODE_SERVICES = ['bootstrap', 'vault']
/** the image the shoal services are built as (x-shoal-image) */
const SHOAL_IMAGE = 'shoal:local'
// a CommonJS module whose types say `export default`: Node's default import is the factory itself
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default
const draft07 = createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-07.json') as Record<string, unknown>

/** The Compose Specification's validator (draft-07; the schema names its meta-schema by an https id ajv knows as http). */
async function composeValidator (): Promise<ReturnType<Ajv['compile']>> {
  const schema = JSON.parse(await readFile(join(repoRoot, 'test/fixtures/compose/compose-spec.json'), 'utf8')) as { $schema: string }
  // the schema's own style: union types ("type": ["string", "number"]) and oneOf branches without a type
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: false })
  ajv.addMetaSchema({ ...draft07, $id: schema.$schema })
  return ajv.compile(schema)
}

function errorsOf (validate: ReturnType<Ajv['compile']>): string {
  return (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n')
}

/** Every shoal invocation the compose network makes: the node services' commands, and the client script's. */
async function shoalInvocations (compose: ComposeFile): Promise<Array<{ where: string, args: string[] }>> {
  const entrypoint = execForm(finalInstruction(await readDockerfile(), 'ENTRYPOINT')!)
  const client = await loadClientScript()
  const invocations: Array<{ where: string, args: string[] }> = []
  for (const [name, service] of Object.entries(compose.services)) {
    // prometheus and grafana (profile monitoring) run their own images
    if (service.image !== SHOAL_IMAGE) continue
    if (service.entrypoint === undefined) {
      assert.equal(entrypoint, ['shoal'], 'the image runs the CLI')
      invocations.push({ where: `service ${name}`, args: argList(service.command) })
    }
  }
  invocations.push({ where: 'deploy/client.mjs', args: client.putArgs({ file: 'f', via: '/dns4/bootstrap/tcp/4001', replicas: '3', data: 'd' }) })
  invocations.push({ where: 'deploy/client.mjs', args: client.getArgs({ uri: 'shoal:x', via: '/dns4/vault/tcp/4001', out: 'o', data: 'd' }) })
  return invocations
}

test('docker-compose.yml is valid against the Compose Specification', async () => {
  const validate = await composeValidator()
  const valid = validate(parseCompose(await composeText()))
  assert.ok(valid, `docker-compose.yml:\n${errorsOf(validate)}`)
})

test('the schema refuses a misspelt key and a command of the wrong type', async () => {
  const validate = await composeValidator()
  const compose = parseCompose(await composeText())
  const misspelt = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> }
  misspelt.services.vault.comand = misspelt.services.vault.command
  assert.not.ok(validate(misspelt))
  assert.match(errorsOf(validate), /comand/)
  const wrongType = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> }
  wrongType.services.vault.command = { node: true }
  assert.not.ok(validate(wrongType))
})

test('every shoal command the compose network runs takes every flag it is given (shoal <command> --help)', async () => {
  const compose = parseCompose(await composeText())
  const invocations = await shoalInvocations(compose)
  const commands = new Set(invocations.map(i => i.args[0]))
  assert.equal([...commands].sort(), ['get', 'node', 'put'])
  const helps = new Map(await Promise.all([...commands].map(async command => [command, await helpFlags(command)] as const)))
  // the help parser itself: a few flags each of these commands has
  for (const [command, flag] of [['node', '--space'], ['node', '--bootstrap'], ['put', '--json'], ['get', '-o'], ['get', '--force']]) {
    assert.ok(helps.get(command)?.has(flag), `shoal ${command} --help lists ${flag}`)
  }
  const problems: string[] = []
  for (const { where, args } of invocations) {
    for (const flag of await unknownFlags(args, async command => helps.get(command)!)) {
      problems.push(`${where}: shoal ${args[0]} has no ${flag} (its --help lists ${[...helps.get(args[0])!].join(' ')})`)
    }
  }
  assert.equal(problems, [], problems.join('\n'))
})

test('a flag the CLI does not take is caught (the check above can fail)', async () => {
  const compose = parseCompose(await composeText())
  const args = argList(compose.services.vault.command).map(arg => arg === '--repair-interval' ? '--repair-intervall' : arg)
  assert.ok(args.includes('--repair-intervall'), 'the vault command gives --repair-interval')
  assert.equal(await unknownFlags(args), ['--repair-intervall'])
  assert.equal(await unknownFlags(['get', 'shoal:x', '--output-dir', 'x']), ['--output-dir'])
})

test('the client service gives only flags deploy/client.mjs takes', async () => {
  const compose = parseCompose(await composeText())
  const client = compose.services.client
  assert.equal(argList(client.entrypoint), ['node', '/app/deploy/client.mjs'])
  const known = clientFlags(await loadClientScript())
  const given = flagsOf(argList(client.command))
  assert.ok(given.includes('--put-via') && given.includes('--get-via'), given.join(' '))
  assert.equal(given.filter(flag => !known.has(flag)), [])
  assert.equal(client.depends_on, { bootstrap: { condition: 'service_healthy' }, vault: { condition: 'service_healthy' } })
})

test('peers find the bootstrap by service name: no IP address or peer ID in the compose file', async () => {
  const text = await composeText()
  const compose = parseCompose(text)
  assert.not.match(text, /\/p2p\//)
  // the monitoring services publish their UIs on the host's loopback only ("127.0.0.1:3000:3000")
  const published = /^\s*- "127\.0\.0\.1:\d+:\d+"$/
  const lines = text.split('\n').filter(line => !published.test(line)).join('\n')
  const ips = [...lines.matchAll(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g)].map(m => m[0])
  assert.equal(ips.filter(ip => ip !== '0.0.0.0'), [], 'only the wildcard listen address')
  // every address a service or the client is pointed at names a service, on the port it listens on
  const pointers = [...text.matchAll(/\/dns4\/([^/\s,\]]+)\/tcp\/(\d+)/g)]
  assert.ok(pointers.length >= 3, 'vault --bootstrap, client --put-via and --get-via')
  for (const [address, host, port] of pointers) {
    const target = compose.services[host]
    assert.ok(target !== undefined, `${address}: no service ${host}`)
    assert.ok(argList(target.command).includes(`/ip4/0.0.0.0/tcp/${port}`), `${address}: ${host} listens on ${port}`)
  }
  assert.ok(argList(compose.services.vault.command).includes('/dns4/bootstrap/tcp/4001'))
})

test('--profile monitoring: Prometheus scrapes every node\'s --metrics-listen port, Grafana gets the shipped dashboard', async () => {
  const compose = parseCompose(await composeText())
  for (const name of NODE_SERVICES) {
    const command = argList(compose.services[name].command)
    assert.is(command[command.indexOf('--metrics-listen') + 1], '0.0.0.0:9464', `${name} --metrics-listen`)
  }
  const scrape = await readFile(join(repoRoot, 'deploy/prometheus.yml'), 'utf8')
  assert.match(scrape, /targets: \['bootstrap:9464'\]/)
  assert.match(scrape, /names: \['vault'\][\s\S]*port: 9464/)
  // every host path the monitoring services mount is in the repo
  for (const name of ['prometheus', 'grafana']) {
    const mounts = (compose.services[name].volumes ?? []).map(v => typeof v === 'string' ? v.split(':')[0] : v.source ?? '')
    assert.ok(mounts.length > 0, `${name} mounts its config`)
    for (const source of mounts) assert.ok(existsSync(join(repoRoot, source)), `${name}: ${source} is not in the repo`)
  }
  assert.ok(existsSync(join(repoRoot, 'deploy/grafana/dashboards/shoal.json')))
})

test('each vault has a data dir and a --space of its own, and the vault service can scale', async () => {
  const compose = parseCompose(await composeText())
  const dockerfile = await readDockerfile()
  const dataDir = /SHOAL_DATA=(\S+)/.exec(finalInstruction(dockerfile, 'ENV')?.getArgumentsContent() ?? '')?.[1]
  assert.is(dataDir, '/data')
  for (const name of NODE_SERVICES) {
    const service = compose.services[name]
    const command = argList(service.command)
    assert.is(command[0], 'node', `${name} runs shoal node`)
    assert.ok(Array.isArray(service.command), `${name}: command as a list, no shell quoting to get wrong`)
    assert.match(command[command.indexOf('--space') + 1] ?? '', /^\d+(\.\d+)?[KMGT]i?B$/, `${name} --space`)
    assert.ok(command.includes('--repair-interval'), `${name} --repair-interval`)
    const targets = (service.volumes ?? []).map(v => typeof v === 'string' ? v.split(':').at(-1) : v.target)
    assert.equal(targets, [dataDir], `${name} keeps ${dataDir} in a volume`)
  }
  // scaled replicas need a volume each (anonymous), no fixed name and no host port
  const vault = compose.services.vault
  assert.equal(vault.volumes, [dataDir])
  assert.is(vault.container_name, undefined)
  assert.is(vault.ports, undefined)
  assert.ok(compose.volumes !== undefined && 'bootstrap-data' in compose.volumes)
})

test('the Dockerfile: multi-stage, an official slim node image, non-root, data volume, health check, the CLI as entrypoint', async () => {
  const dockerfile = await readDockerfile()
  assert.ok(dockerfile.stages.length >= 3, `stages ${dockerfile.stages.join(', ')}`)
  assert.match(dockerfile.args.get('NODE_IMAGE') ?? '', /^node:\d+-slim$/)
  const user = finalInstruction(dockerfile, 'USER')?.getArgumentsContent()?.trim()
  assert.ok(user !== undefined && !['root', '0'].includes(user), `USER ${user ?? '(none)'}`)
  assert.equal(execForm(finalInstruction(dockerfile, 'VOLUME')!), ['/data'])
  assert.equal(execForm(finalInstruction(dockerfile, 'ENTRYPOINT')!), ['shoal'])
  const check = execForm(finalInstruction(dockerfile, 'HEALTHCHECK')!, 'CMD')
  assert.equal(check, ['node', '/app/deploy/healthcheck.mjs'])
  // the runtime stage installs no dev dependencies
  const installs = dockerfile.instructions.filter(i => i.getKeyword() === 'RUN' && /npm ci/.test(i.getArgumentsContent() ?? ''))
  assert.ok(installs.some(i => /--omit=dev/.test(i.getArgumentsContent() ?? '')))
})

test('the Dockerfile copies every workspace\'s manifest, and only files that exist and .dockerignore lets in', async () => {
  const dockerfile = await readDockerfile()
  // from the build context: COPY without --from (the arguments come without the flags)
  const copies = dockerfile.instructions.filter((i): i is Copy => i.getKeyword() === 'COPY' && (i as Copy).getFromFlag() === null)
  const sources = copies.flatMap(copy => copy.getArguments().map(a => a.getValue()).slice(0, -1)).filter(source => source !== '.')
  const { workspaces } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] }
  // npm ci refuses a lockfile whose workspaces are missing: a new one must be copied too
  for (const workspace of workspaces) assert.ok(sources.includes(`${workspace}/package.json`), `COPY ${workspace}/package.json`)
  const ignore = dockerignore({ ignorecase: false }).add(await readFile(join(repoRoot, '.dockerignore'), 'utf8'))
  for (const source of sources) {
    assert.ok(existsSync(join(repoRoot, source)), `COPY ${source}: no such file`)
    assert.not.ok(ignore.ignores(source), `COPY ${source}: .dockerignore leaves it out of the context`)
  }
  // nothing built or installed on this machine goes into the image
  for (const path of ['node_modules/libp2p/package.json', 'packages/node/node_modules/x', 'packages/node/dist/src/index.js', 'apps/shoal/dist/bundle/shoal.mjs', '.git/HEAD']) {
    assert.ok(ignore.ignores(path), `.dockerignore leaves out ${path}`)
  }
  assert.not.ok(ignore.ignores('packages/node/src/index.ts'))
})

test.run()
