import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const server = process.env.CHORUS_DEV_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  // The manifest lets `pnpm bench` report the JavaScript each page loads.
  build: { outDir: 'dist', sourcemap: false, manifest: true },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/sync': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
});
