package io.cardinal.web;

import io.cardinal.Cardinal;
import io.cardinal.config.Config;
import io.cardinal.config.ServerOptions;
import io.cardinal.exposition.MetricsSource;
import io.cardinal.notifier.Notifier;
import io.cardinal.rules.RuleManager;
import io.cardinal.scrape.ScrapeManager;
import java.util.List;

/**
 * What the web server and its API handlers read from the running server: the database, the
 * configuration in force, the scrape manager and the lifecycle. The server module implements it;
 * this module never names the server, so the web layer can be built and tested on its own.
 */
public interface ServerContext {
  ServerOptions options();

  Config config();

  Cardinal db();

  ScrapeManager scrapes();

  QueryService queryService();

  /** Recording and alerting rules from the configuration's rule_files. */
  RuleManager rules();

  /** Where alerts go: the configuration's Alertmanagers. */
  Notifier notifier();

  /**
   * Reloads the configuration file; null on success, else why it was rejected (the old one stays).
   */
  String reload();

  void requestQuit();

  long startTimeMs();

  boolean lastReloadSuccessful();

  long lastReloadMs();

  /** Components that add their own series to {@code /metrics}. */
  List<MetricsSource> metricsSources();
}
