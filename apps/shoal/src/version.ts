/** This build's version, as `shoal --version` and the API's status report it. */
export const VERSION = '0.1.0'
