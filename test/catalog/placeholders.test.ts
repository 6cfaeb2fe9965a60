import { findPlaceholders, substitute, unclosedPlaceholderLines } from '../../lib/catalog';

describe('findPlaceholders', () => {
  it('classifies params, built-ins, scripts and malformed placeholders in order', () => {
    const text = 'a {{threads}} {{virtwork:namespace}} {{script:run.sh}} {{ Threads }} {{}} {{a_b}}';
    expect(findPlaceholders(text)).toEqual([
      { kind: 'param', text: '{{threads}}', key: 'threads' },
      { kind: 'virtwork', text: '{{virtwork:namespace}}', name: 'namespace' },
      { kind: 'script', text: '{{script:run.sh}}', file: 'run.sh' },
      { kind: 'malformed', text: '{{ Threads }}' },
      { kind: 'malformed', text: '{{}}' },
      { kind: 'malformed', text: '{{a_b}}' },
    ]);
  });

  it('leaves shell and systemd syntax alone', () => {
    expect(findPlaceholders('echo ${HOME} %h $((1+2)) {a,b} ${arr[@]}')).toEqual([]);
  });
});

describe('unclosedPlaceholderLines', () => {
  it('finds "{{" without "}}" on the same line', () => {
    expect(unclosedPlaceholderLines('ok {{a}}\n{{b}\nfine\n{{c\n}}')).toEqual([2, 4]);
  });
});

describe('substitute', () => {
  it('replaces every occurrence with its value', () => {
    expect(substitute('{{a}}-{{a}} {{virtwork:role}}', new Map([['a', '1'], ['virtwork:role', 'server']]), 'f')).toBe('1-1 server');
  });

  it('fails when a placeholder has no value', () => {
    expect(() => substitute('x {{b}}', new Map(), 'catalog/x/a.service')).toThrow(
      'catalog/x/a.service: placeholder {{b}} has no value ("b" is not declared)',
    );
  });
});
