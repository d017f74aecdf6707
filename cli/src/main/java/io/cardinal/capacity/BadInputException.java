package io.cardinal.capacity;

/**
 * Input the capacity tools cannot work with: a configuration that does not load, a server that does
 * not answer, a nonsensical budget. The commands print the message and exit with code 2.
 */
final class BadInputException extends Exception {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message, null, false, false);
  }
}
