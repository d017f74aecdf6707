package io.cardinal.notifier;

/**
 * An Alertmanager the notifier found through discovery: the full URL alerts are POSTed to, e.g.
 * {@code http://127.0.0.1:9093/api/v2/alerts}. What {@code /api/v1/alertmanagers} lists.
 */
public record AlertmanagerTarget(String url) {}
