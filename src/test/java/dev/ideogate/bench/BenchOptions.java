package dev.ideogate.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a benchmark run does, from system properties ({@code -Dbench.*} on the mvn command line). Quick mode
 * ({@code -Dbench.quick=true}) shortens every phase and shrinks every crowd: a smoke run of a minute or two.
 *
 * @param quick smoke mode
 * @param stepSeconds how long each fixed-rate step of the overhead scenario runs
 * @param rates the fixed rates reported in the overhead table
 * @param maxRate the step search for the highest sustained rate stops here
 * @param laneClients concurrent clients of the lane-utilisation scenario
 * @param laneSeconds how long it runs
 * @param budgetRequests concurrent requests of the budget-exactness scenario
 * @param holdingClients concurrent waiting clients of the holding-power scenario (capped by the fd limit)
 * @param redisCostRequests requests of the Redis-cost scenario
 * @param only scenarios to run (overhead, sidebyside, lanes, budget, holding, redis, burst, stall); empty = all;
 *     sidebyside also runs redis and burst, which issue 14 reads with it
 */
public record BenchOptions(boolean quick, int stepSeconds, List<Integer> rates, int maxRate, int laneClients,
    int laneSeconds, int budgetRequests, int holdingClients, int redisCostRequests, Set<String> only) {

  public static BenchOptions fromSystemProperties() {
    boolean quick = Boolean.getBoolean("bench.quick");
    return new BenchOptions(quick,
        Integer.getInteger("bench.stepSeconds", quick ? 2 : 10),
        ints(System.getProperty("bench.rates", "500,1000,2000")),
        Integer.getInteger("bench.maxRate", quick ? 4000 : 16000),
        Integer.getInteger("bench.laneClients", quick ? 100 : 300),
        Integer.getInteger("bench.laneSeconds", quick ? 5 : 20),
        Integer.getInteger("bench.budgetRequests", quick ? 500 : 2000),
        Integer.getInteger("bench.holdingClients", quick ? 2000 : 20000),
        Integer.getInteger("bench.redisCostRequests", quick ? 200 : 1000),
        Arrays.stream(System.getProperty("bench.only", "").split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()));
  }

  public boolean runs(String scenario) {
    return only.isEmpty() || only.contains(scenario);
  }

  private static List<Integer> ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).toList();
  }
}
