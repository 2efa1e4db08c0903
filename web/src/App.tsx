/** Routes, data cache, language and game providers. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter, Route, Routes } from "react-router";
import { I18nProvider } from "./lib/i18n";
import { GameProvider } from "./lib/game";
import { Layout } from "./components/Layout";
import { StatsPage } from "./pages/StatsPage";
import { DrawsPage } from "./pages/DrawsPage";
import { GeneratePage } from "./pages/GeneratePage";
import { PerformancePage } from "./pages/PerformancePage";
import { ReportPage } from "./pages/ReportPage";
import { OddsPage } from "./pages/OddsPage";
import { CheckPage } from "./pages/CheckPage";
import { WheelPage } from "./pages/WheelPage";

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 60_000, retry: 1, refetchOnWindowFocus: false } },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <GameProvider>
          <BrowserRouter>
            <Routes>
              <Route element={<Layout />}>
                <Route index element={<StatsPage />} />
                <Route path="tirages" element={<DrawsPage />} />
                <Route path="generer" element={<GeneratePage />} />
                <Route path="check" element={<CheckPage />} />
                <Route path="performance" element={<PerformancePage />} />
                <Route path="rapport" element={<ReportPage />} />
                <Route path="odds" element={<OddsPage />} />
                <Route path="wheel" element={<WheelPage />} />
                <Route path="*" element={<StatsPage />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </GameProvider>
      </I18nProvider>
    </QueryClientProvider>
  );
}
