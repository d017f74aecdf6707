package io.cardinal.scrape;

/** Version facts for prometheus_build_info and /api/v1/status/buildinfo. */
public final class BuildInfo {
  public static final String VERSION = "0.1.0-SNAPSHOT";
  public static final String BRANCH = "main";
  public static final String REVISION = "unknown";

  private BuildInfo() {}
}
