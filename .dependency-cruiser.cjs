/**
 * The architecture's dependency rules (docs/architecture.md), checked by
 * `npm run lint` (dependency-cruiser). Type-only imports count: a cycle of
 * types is still a cycle of knowledge.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules must not depend on each other in a cycle, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'conversation-is-pure',
      severity: 'error',
      comment: 'src/conversation/ is the pure engine: it imports nothing outside its folder, npm packages and node built-ins included.',
      from: { path: '(^|/)src/conversation/' },
      to: { pathNot: '(^|/)src/conversation/' },
    },
    {
      name: 'channels-use-their-desk-port',
      severity: 'error',
      comment:
        'Channel adapters only translate: what they need beyond handing messages over comes through ChannelDesk (src/channels/channel-desk.port.ts), never the request store, the database or Prisma.',
      from: { path: '(^|/)src/channels/' },
      to: { path: ['(^|/)src/(requests|db|generated)/', '(^|/)node_modules/(@prisma|prisma)/', '^@prisma/'] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'Every import resolves to a file or a package.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
