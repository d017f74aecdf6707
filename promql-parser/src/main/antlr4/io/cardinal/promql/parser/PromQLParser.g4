/*
 * PromQL parser (Prometheus 3.x syntax).
 *
 * Binary operator precedence (lowest to highest), all left-associative except '^':
 *   or  <  and, unless  <  == != > < >= <=  <  + -  <  * / % atan2 </ >/  <  unary + -  <  ^
 * Postfix modifiers ([range], [range:step], offset, @, anchored, smoothed) bind tightest.
 * Unary minus binds like Prometheus: looser than '^' (-2^2 == -4) but tighter than '*'.
 *
 * Semantic checks (types, argument counts, modifier placement) are done by the
 * AST builder and the type checker, not by the grammar, so that error messages
 * match Prometheus'.
 */
parser grammar PromQLParser;

options { tokenVocab = PromQLLexer; }

query         : expr EOF;
metricSelector: vectorSelector EOF;

expr
    : expr LEFT_BRACKET range=durationExpr RIGHT_BRACKET                                   # matrixSelector
    | expr LEFT_BRACKET range=durationExpr COLON step=durationExpr? RIGHT_BRACKET          # subquery
    | expr OFFSET offsetValue                                                              # offsetModifier
    | expr AT atValue                                                                      # atModifier
    | expr kind=(ANCHORED | SMOOTHED)                                                      # rangeModifier
    | <assoc=right> expr op=POW binModifiers expr                                          # binary
    | op=(ADD | SUB) expr                                                                  # unary
    | expr op=(MUL | DIV | MOD | ATAN2 | TRIM_UPPER | TRIM_LOWER) binModifiers expr        # binary
    | expr op=(ADD | SUB) binModifiers expr                                                # binary
    | expr op=(EQLC | NEQ | GTE | GTR | LSS | LTE) binModifiers expr                       # binary
    | expr op=(AND | UNLESS) binModifiers expr                                             # binary
    | expr op=OR binModifiers expr                                                         # binary
    | aggregateOp grouping functionArgs                                                    # aggregate
    | aggregateOp functionArgs grouping?                                                   # aggregate
    | functionName functionArgs                                                            # call
    | LEFT_PAREN expr RIGHT_PAREN                                                          # paren
    | (NUMBER | DURATION)                                                                  # numberLiteral
    | STRING                                                                               # stringLiteral
    | vectorSelector                                                                       # selector
    ;

binModifiers
    : BOOL? (onOrIgnoring groupModifier?)? fillModifiers?
    ;

onOrIgnoring
    : (ON | IGNORING) groupingLabels
    ;

groupModifier
    : (GROUP_LEFT | GROUP_RIGHT) groupingLabels
    | (GROUP_LEFT | GROUP_RIGHT) {_input.LA(1) != LEFT_PAREN}?
    ;

fillModifiers
    : FILL LEFT_PAREN fillValue RIGHT_PAREN
    | FILL_LEFT LEFT_PAREN left=fillValue RIGHT_PAREN (FILL_RIGHT LEFT_PAREN right=fillValue RIGHT_PAREN)?
    | FILL_RIGHT LEFT_PAREN right=fillValue RIGHT_PAREN (FILL_LEFT LEFT_PAREN left=fillValue RIGHT_PAREN)?
    ;

fillValue
    : sign=(ADD | SUB)? NUMBER
    ;

grouping
    : (BY | WITHOUT) groupingLabels
    ;

groupingLabels
    : LEFT_PAREN (groupingLabel (COMMA groupingLabel)* COMMA?)? RIGHT_PAREN
    ;

groupingLabel
    : labelNameKeyword
    | IDENTIFIER
    | METRIC_IDENTIFIER
    | STRING
    ;

functionArgs
    : LEFT_PAREN (expr (COMMA expr)* trailing=COMMA?)? RIGHT_PAREN
    ;

functionName
    : IDENTIFIER | START | END | STEP | RANGE | MIN_OF | MAX_OF
    ;

aggregateOp
    : SUM | AVG | COUNT | MIN | MAX | GROUP | STDDEV | STDVAR | TOPK | BOTTOMK
    | COUNT_VALUES | QUANTILE | LIMITK | LIMIT_RATIO
    ;

vectorSelector
    : metricIdentifier labelMatchers?
    | labelMatchers
    ;

labelMatchers
    : LEFT_BRACE (labelMatcher (COMMA labelMatcher)* COMMA?)? RIGHT_BRACE
    ;

labelMatcher
    : name=(IDENTIFIER | STRING) matchOp value=STRING
    | name=STRING
    ;

matchOp
    : EQL | NEQ | EQL_REGEX | NEQ_REGEX
    ;

metricIdentifier
    : IDENTIFIER | METRIC_IDENTIFIER
    | SUM | AVG | COUNT | MIN | MAX | GROUP | STDDEV | STDVAR | TOPK | BOTTOMK
    | COUNT_VALUES | QUANTILE | LIMITK | LIMIT_RATIO
    | AND | OR | UNLESS | BY | WITHOUT | OFFSET
    | START | END | STEP | RANGE | ANCHORED | SMOOTHED | MIN_OF | MAX_OF
    ;

// Keywords that may still be used as label names in grouping clauses.
labelNameKeyword
    : SUM | AVG | COUNT | MIN | MAX | GROUP | STDDEV | STDVAR | TOPK | BOTTOMK
    | COUNT_VALUES | QUANTILE | LIMITK | LIMIT_RATIO
    | AND | OR | UNLESS | ATAN2 | BY | WITHOUT | OFFSET | ON | IGNORING
    | GROUP_LEFT | GROUP_RIGHT | BOOL
    | START | END | STEP | RANGE | ANCHORED | SMOOTHED | MIN_OF | MAX_OF
    ;

// "offset" takes a single duration term; "foo offset 1m + 1" is (foo offset 1m) + 1.
offsetValue
    : sign=(ADD | SUB)? durationAtom
    | sign=(ADD | SUB)? LEFT_PAREN durationExpr RIGHT_PAREN
    ;

atValue
    : sign=(ADD | SUB)? (NUMBER | DURATION)
    | (START | END) LEFT_PAREN RIGHT_PAREN
    ;

durationExpr
    : <assoc=right> durationExpr op=POW durationExpr                   # durationBinary
    | op=(ADD | SUB) durationExpr                                      # durationUnary
    | durationExpr op=(MUL | DIV | MOD) durationExpr                   # durationBinary
    | durationExpr op=(ADD | SUB) durationExpr                         # durationBinary
    | LEFT_PAREN durationExpr RIGHT_PAREN                              # durationParen
    | durationAtom                                                     # durationTerm
    ;

durationAtom
    : NUMBER
    | DURATION
    | STEP LEFT_PAREN RIGHT_PAREN
    | RANGE LEFT_PAREN RIGHT_PAREN
    | (MIN_OF | MAX_OF) LEFT_PAREN durationExpr COMMA durationExpr RIGHT_PAREN
    ;
