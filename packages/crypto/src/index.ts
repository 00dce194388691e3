export { IntegrityError } from './errors.js'
