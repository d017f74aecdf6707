package io.cardinal.exposition;

import java.math.BigDecimal;

class OpenMetricsParserContractTest extends ExpositionParserContract {
  @Override
  protected ExpositionParser parser(byte[] body, int offset, int length) {
    return new OpenMetricsParser(body, offset, length);
  }

  @Override
  protected ExpositionFormat format() {
    return ExpositionFormat.OPENMETRICS_1_0_0;
  }

  @Override
  protected String document(String... lines) {
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      sb.append(line).append('\n');
    }
    return sb.append("# EOF\n").toString();
  }

  @Override
  protected String timestamp(long millis) {
    // seconds with the milliseconds as an exact decimal fraction, e.g. -3982.045
    return BigDecimal.valueOf(millis, 3).toPlainString();
  }

  @Override
  protected String counterFamily(String sampleName) {
    // an OpenMetrics counter family is named without the _total its samples carry
    return sampleName.substring(0, sampleName.length() - "_total".length());
  }
}
