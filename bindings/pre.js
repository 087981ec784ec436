// The Fetch API uses XMLHttpRequest. Where the host has none (Node, serverless), the bindings
// hand one built on fetch() to the factory; it stays in the module's scope, never on globalThis.
var XMLHttpRequest = typeof globalThis.XMLHttpRequest == 'function' ? globalThis.XMLHttpRequest : Module['xhrImpl'];
