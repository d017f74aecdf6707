/*
 * PromQL lexer (Prometheus 3.x syntax).
 *
 * Three modes mirror the three lexing contexts of the language:
 *   DEFAULT_MODE - expressions; keywords are recognised case-insensitively.
 *   BRACES       - inside a label matcher list "{...}"; keywords are plain identifiers,
 *                  colons are not allowed in label names.
 *   BRACKETS     - inside a range / subquery selector "[...]"; only duration
 *                  expression tokens are allowed.
 *
 * Malformed input is not rejected here: it is lexed into *_ERR / BAD_NUMBER /
 * UNTERMINATED_* tokens which PromQLTokenSource turns into a single ERROR token
 * carrying Prometheus' lexer error message (and ends the stream, like Prometheus).
 */
lexer grammar PromQLLexer;

tokens { EQL_REGEX, NEQ_REGEX, COLON, ERROR }

@members {
    /** fill, fill_left and fill_right are keywords only when followed by '(' (Prometheus does the same). */
    private boolean followedByParen() {
        for (int i = 1;; i++) {
            int c = _input.LA(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            return c == '(';
        }
    }
}

WS      : [ \t\r\n]+ -> channel(HIDDEN);
COMMENT : '#' ~[\r\n]* -> channel(HIDDEN);

// Set and trigonometric operators.
AND    options { caseInsensitive = true; } : 'and';
OR     options { caseInsensitive = true; } : 'or';
UNLESS options { caseInsensitive = true; } : 'unless';
ATAN2  options { caseInsensitive = true; } : 'atan2';

// Aggregators.
SUM          options { caseInsensitive = true; } : 'sum';
AVG          options { caseInsensitive = true; } : 'avg';
COUNT        options { caseInsensitive = true; } : 'count';
MIN          options { caseInsensitive = true; } : 'min';
MAX          options { caseInsensitive = true; } : 'max';
GROUP        options { caseInsensitive = true; } : 'group';
STDDEV       options { caseInsensitive = true; } : 'stddev';
STDVAR       options { caseInsensitive = true; } : 'stdvar';
TOPK         options { caseInsensitive = true; } : 'topk';
BOTTOMK      options { caseInsensitive = true; } : 'bottomk';
COUNT_VALUES options { caseInsensitive = true; } : 'count_values';
QUANTILE     options { caseInsensitive = true; } : 'quantile';
LIMITK       options { caseInsensitive = true; } : 'limitk';
LIMIT_RATIO  options { caseInsensitive = true; } : 'limit_ratio';

// Keywords.
OFFSET      options { caseInsensitive = true; } : 'offset';
SMOOTHED    options { caseInsensitive = true; } : 'smoothed';
ANCHORED    options { caseInsensitive = true; } : 'anchored';
BY          options { caseInsensitive = true; } : 'by';
WITHOUT     options { caseInsensitive = true; } : 'without';
ON          options { caseInsensitive = true; } : 'on';
IGNORING    options { caseInsensitive = true; } : 'ignoring';
GROUP_LEFT  options { caseInsensitive = true; } : 'group_left';
GROUP_RIGHT options { caseInsensitive = true; } : 'group_right';
BOOL        options { caseInsensitive = true; } : 'bool';
FILL        options { caseInsensitive = true; } : 'fill' {followedByParen()}?;
FILL_LEFT   options { caseInsensitive = true; } : 'fill_left' {followedByParen()}?;
FILL_RIGHT  options { caseInsensitive = true; } : 'fill_right' {followedByParen()}?;

// Preprocessors and duration-expression functions.
START  options { caseInsensitive = true; } : 'start';
END    options { caseInsensitive = true; } : 'end';
STEP   options { caseInsensitive = true; } : 'step';
RANGE  options { caseInsensitive = true; } : 'range';
MIN_OF options { caseInsensitive = true; } : 'min_of';
MAX_OF options { caseInsensitive = true; } : 'max_of';

SPECIAL_NUMBER options { caseInsensitive = true; } : ('inf' | 'nan') -> type(NUMBER);

DURATION : DURATION_BODY;
NUMBER   : NUMBER_BODY;
// Anything that starts like a number but is neither a number nor a duration.
BAD_NUMBER : BAD_NUMBER_BODY;

IDENTIFIER        : [a-zA-Z_] [a-zA-Z0-9_]*;
METRIC_IDENTIFIER : [a-zA-Z_:] [a-zA-Z0-9_:]*;

STRING               : STRING_BODY;
UNTERMINATED_STRING  : UNTERMINATED_STRING_BODY;
UNTERMINATED_RAW     : UNTERMINATED_RAW_BODY;

LEFT_PAREN    : '(';
RIGHT_PAREN   : ')';
LEFT_BRACE    : '{' -> pushMode(BRACES);
RIGHT_BRACE   : '}';
LEFT_BRACKET  : '[' -> pushMode(BRACKETS);
RIGHT_BRACKET : ']';
COMMA         : ',';
AT            : '@';

ADD        : '+';
SUB        : '-';
MUL        : '*';
DIV        : '/';
MOD        : '%';
POW        : '^';
EQLC       : '==';
NEQ        : '!=';
LTE        : '<=';
GTE        : '>=';
TRIM_UPPER : '</';
TRIM_LOWER : '>/';
LSS        : '<';
GTR        : '>';
EQL        : '=';

EQL_TILDE_ERR : '=~';
BANG_ERR      : '!' ~[=]?;
CHAR_ERR      : .;

fragment DIGIT     : [0-9];
fragment HEX_DIGIT : [0-9a-fA-F];
fragment DECIMALS  : DIGIT ('_'? DIGIT)*;
fragment EXPONENT  : [eE] [+-]? DECIMALS;
fragment NUMBER_BODY
    : DECIMALS ('.' DECIMALS?)? EXPONENT?
    | '.' DECIMALS EXPONENT?
    | '0' [xX] '_'? HEX_DIGIT ('_'? HEX_DIGIT)*
    ;
fragment DURATION_UNIT : 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'y';
fragment DURATION_BODY : (DIGIT+ DURATION_UNIT)+;
fragment BAD_NUMBER_BODY : (DIGIT | '.' DIGIT) [a-zA-Z0-9_.]*;

fragment ESCAPE : '\\' ~[\n];
fragment STRING_BODY
    : '"' (ESCAPE | ~["\\\n])* '"'
    | '\'' (ESCAPE | ~['\\\n])* '\''
    | '`' ~'`'* '`'
    ;
fragment UNTERMINATED_STRING_BODY
    : '"' (ESCAPE | ~["\\\n])* '\\'?
    | '\'' (ESCAPE | ~['\\\n])* '\\'?
    ;
fragment UNTERMINATED_RAW_BODY : '`' ~'`'*;

// ---------------------------------------------------------------------------
mode BRACES;

BR_WS          : [ \t\r\n]+ -> channel(HIDDEN);
BR_COMMENT     : '#' ~[\r\n]* -> channel(HIDDEN);
BR_IDENTIFIER  : [a-zA-Z_] [a-zA-Z0-9_]* -> type(IDENTIFIER);
BR_STRING      : STRING_BODY -> type(STRING);
BR_UNTERM      : UNTERMINATED_STRING_BODY -> type(UNTERMINATED_STRING);
BR_UNTERM_RAW  : UNTERMINATED_RAW_BODY -> type(UNTERMINATED_RAW);
BR_COMMA       : ',' -> type(COMMA);
BR_EQL_REGEX   : '=~' -> type(EQL_REGEX);
BR_NEQ_REGEX   : '!~' -> type(NEQ_REGEX);
BR_NEQ         : '!=' -> type(NEQ);
BR_EQL         : '=' -> type(EQL);
BR_RIGHT_BRACE : '}' -> type(RIGHT_BRACE), popMode;
BR_LEFT_BRACE_ERR : '{';
BR_BANG_ERR    : '!' .?;
BR_CHAR_ERR    : .;

// ---------------------------------------------------------------------------
mode BRACKETS;

BK_WS            : [ \t\r\n]+ -> channel(HIDDEN);
BK_RIGHT_BRACKET : ']' -> type(RIGHT_BRACKET), popMode;
BK_COLON         : ':' -> type(COLON);
BK_LEFT_PAREN    : '(' -> type(LEFT_PAREN);
BK_RIGHT_PAREN   : ')' -> type(RIGHT_PAREN);
BK_COMMA         : ',' -> type(COMMA);
BK_ADD           : '+' -> type(ADD);
BK_SUB           : '-' -> type(SUB);
BK_MUL           : '*' -> type(MUL);
BK_DIV           : '/' -> type(DIV);
BK_MOD           : '%' -> type(MOD);
BK_POW           : '^' -> type(POW);
BK_STEP   options { caseInsensitive = true; } : 'step' -> type(STEP);
BK_RANGE  options { caseInsensitive = true; } : 'range' -> type(RANGE);
BK_MIN_OF options { caseInsensitive = true; } : 'min_of' -> type(MIN_OF);
BK_MAX_OF options { caseInsensitive = true; } : 'max_of' -> type(MAX_OF);
BK_DURATION      : DURATION_BODY -> type(DURATION);
BK_NUMBER        : NUMBER_BODY -> type(NUMBER);
BK_BAD_NUMBER    : BAD_NUMBER_BODY -> type(BAD_NUMBER);
BK_LEFT_BRACKET_ERR : '[';
BK_CHAR_ERR      : .;
