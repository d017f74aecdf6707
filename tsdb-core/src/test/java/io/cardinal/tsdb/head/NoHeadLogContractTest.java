package io.cardinal.tsdb.head;

import java.util.List;

/** {@link HeadLog#NONE} keeps nothing, and must accept every call a head makes. */
class NoHeadLogContractTest extends HeadLogContract {
  @Override
  protected HeadLog create() {
    return HeadLog.NONE;
  }

  @Override
  protected List<Entry> readBack() {
    return List.of();
  }

  @Override
  protected boolean keeps() {
    return false;
  }
}
