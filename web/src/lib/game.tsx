/** The selected game (EuroMillions or Loto), kept in localStorage, and each game's ball rules. */
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import type { Game } from "./api";

const KEY = "lotostats.game";

/** k balls drawn from 1..K, b bonus balls from 1..B (current rules). */
export const RULES: Record<Game, { k: number; K: number; b: number; B: number }> = {
  euromillions: { k: 5, K: 50, b: 2, B: 12 },
  loto: { k: 5, K: 49, b: 1, B: 10 },
};

function stored(): Game {
  try {
    const v = localStorage.getItem(KEY);
    return v === "loto" ? "loto" : "euromillions";
  } catch {
    return "euromillions";
  }
}

const Ctx = createContext<{ game: Game; setGame: (g: Game) => void }>({ game: "euromillions", setGame: () => {} });

export function GameProvider({ children }: { children: ReactNode }) {
  const [game, setState] = useState<Game>(stored);
  const setGame = useCallback((g: Game) => {
    setState(g);
    try {
      localStorage.setItem(KEY, g);
    } catch {
      /* ignore */
    }
  }, []);
  return <Ctx.Provider value={{ game, setGame }}>{children}</Ctx.Provider>;
}

export const useGame = () => useContext(Ctx);
