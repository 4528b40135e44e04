/** The Probot entry point: `probot run ./dist/src/index.js` (see `npm start`). */
export { default } from './app.js';
