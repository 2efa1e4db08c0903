/* Simulated annealing for lotto designs L(n, k, m, t) with a fixed number of tickets b.
 *
 * Used offline by scripts/build_wheel_table.py (compiled with the system C compiler, loaded with
 * ctypes); the designs it finds are verified again by lottery.wheels.verify before being kept.
 *
 * State: b tickets (k-subsets of 0..n-1 as bit masks), cnt[s] = tickets meeting the m-subset s in
 * at least t numbers, the list of uncovered m-subsets. Cost = number of uncovered m-subsets.
 * Move (Nurmela and Ostergard's neighbourhood, extended to m > t): a random uncovered m-subset S,
 * a ticket B meeting S in t-1 numbers (else a random ticket), one (or t-|B & S|) of its numbers
 * outside S swapped for numbers of S, so that the new ticket covers S. Accepted when the cost does
 * not rise, else with probability exp(-delta / T); T cools geometrically and is reset when a run
 * of steps brings no improvement.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state;
static inline uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static inline int rnd_below(int n) { return (int)(rnd() % (uint64_t)n); }
static inline double rnd_unit(void) { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int pick_bit(uint32_t mask, int which) {
    for (int i = 0; i < 32; i++)
        if (mask >> i & 1u) {
            if (which == 0) return i;
            which--;
        }
    return -1;
}

/* Returns 0 when a design of b tickets covering every m-subset was found (written to tickets),
 * 1 otherwise (tickets then holds the best state seen). subsets: the U m-subset masks. */
int anneal(int n, int k, int t, const uint32_t *subsets, int u, uint32_t *tickets, int b,
           uint64_t seed, double seconds, double t0, double cooling, long long *steps_out) {
    rng_state = seed ? seed : 88172645463325252ULL;
    int *cnt = calloc(u, sizeof(int));
    int *open = malloc(u * sizeof(int));
    int *pos = malloc(u * sizeof(int));
    uint32_t *best = malloc(b * sizeof(uint32_t));
    int n_open = 0, best_cost;
    for (int s = 0; s < u; s++) {
        for (int i = 0; i < b; i++) cnt[s] += __builtin_popcount(subsets[s] & tickets[i]) >= t;
        pos[s] = -1;
        if (!cnt[s]) { pos[s] = n_open; open[n_open++] = s; }
    }
    best_cost = n_open;
    memcpy(best, tickets, b * sizeof(uint32_t));
    double start = now_s(), temp = t0;
    long long steps = 0, since_best = 0;
    int *near = malloc(b * sizeof(int));
    while (n_open > 0) {
        if ((steps & 1023) == 0 && now_s() - start > seconds) break;
        steps++;
        uint32_t focus = subsets[open[rnd_below(n_open)]];
        int n_near = 0;
        for (int i = 0; i < b; i++)
            if (__builtin_popcount(tickets[i] & focus) == t - 1) near[n_near++] = i;
        int index = n_near ? near[rnd_below(n_near)] : rnd_below(b);
        uint32_t old = tickets[index], fresh = old;
        int need = t - __builtin_popcount(old & focus);
        for (int j = 0; j < need; j++) {
            uint32_t outs = fresh & ~focus, ins = focus & ~fresh;
            int out = pick_bit(outs, rnd_below(__builtin_popcount(outs)));
            int in = pick_bit(ins, rnd_below(__builtin_popcount(ins)));
            fresh = (fresh & ~(1u << out)) | (1u << in);
        }
        int delta = 0;
        for (int s = 0; s < u; s++) {
            int a = __builtin_popcount(subsets[s] & old) >= t, c = __builtin_popcount(subsets[s] & fresh) >= t;
            if (a && !c && cnt[s] == 1) delta++;
            else if (c && !a && cnt[s] == 0) delta--;
        }
        if (delta > 0 && rnd_unit() >= exp(-delta / temp)) {
            temp *= cooling;
            if (++since_best > 200000) { temp = t0; since_best = 0; }
            continue;
        }
        for (int s = 0; s < u; s++) {
            int a = __builtin_popcount(subsets[s] & old) >= t, c = __builtin_popcount(subsets[s] & fresh) >= t;
            if (a == c) continue;
            if (a) {
                if (--cnt[s] == 0) { pos[s] = n_open; open[n_open++] = s; }
            } else {
                if (cnt[s]++ == 0) {
                    int p = pos[s], last = open[--n_open];
                    open[p] = last; pos[last] = p; pos[s] = -1;
                }
            }
        }
        tickets[index] = fresh;
        temp *= cooling;
        if (n_open < best_cost) {
            best_cost = n_open; since_best = 0;
            memcpy(best, tickets, b * sizeof(uint32_t));
        } else if (++since_best > 200000) { temp = t0; since_best = 0; }
    }
    int found = n_open == 0;
    if (!found) memcpy(tickets, best, b * sizeof(uint32_t));
    *steps_out = steps;
    free(cnt); free(open); free(pos); free(best); free(near);
    (void)k; (void)n;
    return found ? 0 : 1;
}
