// scaledrone-config.browser.js - stands in for scaledrone-node@1.5.0's
// config.js when bundle.mjs builds the package for the browser.
//
// The package's own config.js says isNode:true and WS:true, which makes
// index.js require('ws'). In a page the same index.js must take its browser
// path instead: isBrowser:true exports window.Scaledrone and opens the
// connection with window.WebSocket. URLs are the package's own defaults.
module.exports = {
  sockjsUrl: 'https://api.scaledrone.com/v3/socket',
  websocketUrl: 'wss://api.scaledrone.com/v3/websocket',
  isBrowser: true,
  WS: false,
  type: 'websocket',
};
