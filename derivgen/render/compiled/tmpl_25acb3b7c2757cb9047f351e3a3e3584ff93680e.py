from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'compact.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_format = resolve('format')
    l_0_lang = resolve('lang')
    l_0_doc = resolve('doc')
    l_0_name = resolve('name')
    l_0_profile = resolve('profile')
    l_0_example = resolve('example')
    l_0_fmt = l_0_t = l_0_w = l_0_arch = l_0_lines = missing
    pass
    l_0_fmt = context.vars['fmt'] = environment.get_template(str_join(((undefined(name='format') if l_0_format is missing else l_0_format), '.j2', )), 'compact.j2')._get_default_module(context)
    context.exported_vars.discard('fmt')
    l_0_t = context.vars['t'] = environment.get_template(str_join(((undefined(name='lang') if l_0_lang is missing else l_0_lang), '.j2', )), 'compact.j2').make_module(context.get_all(), True, {'arch': l_0_arch, 'fmt': l_0_fmt, 'lines': l_0_lines, 't': l_0_t, 'w': l_0_w})
    context.exported_vars.discard('t')
    l_0_w = context.vars['w'] = environment.get_template('worked.j2', 'compact.j2')._get_default_module(context)
    context.exported_vars.discard('w')
    l_0_arch = environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'architecture')
    context.vars['arch'] = l_0_arch
    context.exported_vars.add('arch')
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'begin'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'title'), context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'plain'), (undefined(name='name') if l_0_name is missing else l_0_name))), (undefined(name='lang') if l_0_lang is missing else l_0_lang)))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'c_intro'), context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'name'), (undefined(name='name') if l_0_name is missing else l_0_name)), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_architecture'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'c_network'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    l_0_lines = []
    context.vars['lines'] = l_0_lines
    context.exported_vars.add('lines')
    for l_1_layer in environment.getattr((undefined(name='arch') if l_0_arch is missing else l_0_arch), 'layers'):
        l_1__ = missing
        _loop_vars = {}
        pass
        l_1__ = context.call(environment.getattr((undefined(name='lines') if l_0_lines is missing else l_0_lines), 'append'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'c_layer'), l_1_layer, _loop_vars=_loop_vars), _loop_vars=_loop_vars)
        _loop_vars['_'] = l_1__
    l_1_layer = l_1__ = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'items'), (undefined(name='lines') if l_0_lines is missing else l_0_lines)))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_forward'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'c_forward'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for (l_1_layer, l_1_ds) in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'forward'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'c_unit'), l_1_layer, _loop_vars=_loop_vars), _loop_vars=_loop_vars))
        yield '\n'
        for l_2_d in l_1_ds:
            _loop_vars = {}
            pass
            yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_2_d, _loop_vars=_loop_vars))
            yield '\n'
        l_2_d = missing
    l_1_layer = l_1_ds = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_loss'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'loss'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'loss'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_d = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'm_h_backward'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'c_backward'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'backward'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_d = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_gradients'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'c_gradients'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'gradients'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_d = missing
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'inputs'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'c_inputs'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
        for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'inputs'):
            _loop_vars = {}
            pass
            yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
            yield '\n'
        l_1_d = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_update'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'update'), environment.getattr((undefined(name='profile') if l_0_profile is missing else l_0_profile), 'learning_rate'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_pair in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'update_rows'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'row'), l_1_pair, _loop_vars=_loop_vars))
        yield '\n'
    l_1_pair = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_notes'))))
    yield '\n'
    for (l_1_symbol, l_1_kinds) in environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'clashes'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'clash'), l_1_symbol, l_1_kinds, _loop_vars=_loop_vars), _loop_vars=_loop_vars))
        yield '\n'
    l_1_symbol = l_1_kinds = missing
    if environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'activations'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'activations'))))
        yield '\n'
        for l_1_d in environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'activations'):
            _loop_vars = {}
            pass
            yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
            yield '\n'
        l_1_d = missing
    l_1_loop = missing
    for l_1_d, l_1_loop in LoopContext(environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'kinks'), undefined):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'kink'), environment.getitem(environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'kink_keys'), environment.getattr(l_1_loop, 'index0')), environment.getattr((undefined(name='arch') if l_0_arch is missing else l_0_arch), 'subgradient'), _loop_vars=_loop_vars), _loop_vars=_loop_vars))
        yield '\n'
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_loop = l_1_d = missing
    if environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'cross_entropy'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'cross_entropy'))))
        yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'checked'))))
    yield '\n'
    if (undefined(name='example') if l_0_example is missing else l_0_example):
        pass
        yield str(context.call(environment.getattr((undefined(name='w') if l_0_w is missing else l_0_w), 'section'), (undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), (undefined(name='t') if l_0_t is missing else l_0_t), (undefined(name='example') if l_0_example is missing else l_0_example), (undefined(name='arch') if l_0_arch is missing else l_0_arch)))
        yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'end')))
    yield '\n'

blocks = {}
debug_info = '4=18&5=20&6=22&7=24&8=27&9=29&10=31&11=33&12=35&13=38&14=42&16=45&17=47&18=49&19=51&20=54&21=56&22=59&25=63&26=65&27=67&28=70&30=73&31=75&32=77&33=80&35=83&36=85&37=87&38=90&40=93&41=95&42=97&43=100&46=103&47=105&48=107&49=110&51=113&52=115&53=118&55=121&56=123&57=125&58=128&61=132&62=135&63=137&65=140&66=142&68=144&69=146&70=148&72=150'