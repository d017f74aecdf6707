package io.cardinal.exposition;

class PrometheusTextParserContractTest extends ExpositionParserContract {
  @Override
  protected ExpositionParser parser(byte[] body, int offset, int length) {
    return new PrometheusTextParser(body, offset, length);
  }

  @Override
  protected ExpositionFormat format() {
    return ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
  }

  @Override
  protected String document(String... lines) {
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      sb.append(line).append('\n');
    }
    return sb.toString();
  }

  @Override
  protected String timestamp(long millis) {
    return Long.toString(millis);
  }

  @Override
  protected String counterFamily(String sampleName) {
    // the text format has no suffix rules: TYPE names the samples themselves
    return sampleName;
  }
}
