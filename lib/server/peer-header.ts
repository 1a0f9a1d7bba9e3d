// The header in which scripts/next-server.ts passes each request's socket address to the app,
// written over whatever the client sent. Read only when ROUTELENS_PEER_HEADER=1 (set by npm start).
export const PEER_HEADER = 'x-routelens-peer';
