// Stands in for the 'server-only' guard outside Next (tests, scripts): there is no client bundle to protect.
export {};
