import { defineConfig } from "vitest/config";

// Preact through esbuild's automatic JSX runtime: no framework plugin needed.
export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      // Paths are relative to web/, where npm runs the build.
      input: { main: "index.html", silentRenew: "silent-renew.html" },
    },
  },
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});
