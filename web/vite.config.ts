/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

/** Where the dev server and `vite preview` forward /api (a local uvicorn). */
const API_TARGET = process.env.LOTOSTATS_API ?? "http://127.0.0.1:8765";
const proxy = { "/api": { target: API_TARGET, changeOrigin: false } };

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 900 },
  server: { proxy },
  preview: { proxy },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
