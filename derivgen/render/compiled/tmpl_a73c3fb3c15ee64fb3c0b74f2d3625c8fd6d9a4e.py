from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'derivation.j2'

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
    l_0_lines = resolve('lines')
    l_0_profile = resolve('profile')
    l_0_example = resolve('example')
    l_0_fmt = l_0_t = l_0_w = l_0_arch = missing
    pass
    l_0_fmt = context.vars['fmt'] = environment.get_template(str_join(((undefined(name='format') if l_0_format is missing else l_0_format), '.j2', )), 'derivation.j2')._get_default_module(context)
    context.exported_vars.discard('fmt')
    l_0_t = context.vars['t'] = environment.get_template(str_join(((undefined(name='lang') if l_0_lang is missing else l_0_lang), '.j2', )), 'derivation.j2').make_module(context.get_all(), True, {'arch': l_0_arch, 'fmt': l_0_fmt, 'lines': l_0_lines, 't': l_0_t, 'w': l_0_w})
    context.exported_vars.discard('t')
    l_0_w = context.vars['w'] = environment.get_template('worked.j2', 'derivation.j2')._get_default_module(context)
    context.exported_vars.discard('w')
    l_0_arch = environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'architecture')
    context.vars['arch'] = l_0_arch
    context.exported_vars.add('arch')
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'begin'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'title'), context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'plain'), (undefined(name='name') if l_0_name is missing else l_0_name))), (undefined(name='lang') if l_0_lang is missing else l_0_lang)))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'intro'), context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'name'), (undefined(name='name') if l_0_name is missing else l_0_name)), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_architecture'))))
    yield '\n'
    if (environment.getattr((undefined(name='arch') if l_0_arch is missing else l_0_arch), 'kind') == 'network'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'network'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
        l_0_lines = []
        context.vars['lines'] = l_0_lines
        context.exported_vars.add('lines')
        for l_1_layer in environment.getattr((undefined(name='arch') if l_0_arch is missing else l_0_arch), 'layers'):
            l_1__ = missing
            _loop_vars = {}
            pass
            l_1__ = context.call(environment.getattr((undefined(name='lines') if l_0_lines is missing else l_0_lines), 'append'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'layer'), l_1_layer, _loop_vars=_loop_vars), _loop_vars=_loop_vars)
            _loop_vars['_'] = l_1__
        l_1_layer = l_1__ = missing
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'items'), (undefined(name='lines') if l_0_lines is missing else l_0_lines)))
        yield '\n'
    else:
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'model'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'parameters'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_forward'))))
    yield '\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'layers'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'layer_view'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
        for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'layers'):
            _loop_vars = {}
            pass
            yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
            yield '\n'
        l_1_d = missing
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'unit_view'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
    else:
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'forward'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
    for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'forward'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_d = missing
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
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_error'))))
    yield '\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'residuals'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'residual'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
        for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'residuals'):
            _loop_vars = {}
            pass
            yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
            yield '\n'
        l_1_d = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'error'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'errors'):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_d = missing
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'definitions'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'indicator'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
        for l_1_d in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'definitions'):
            _loop_vars = {}
            pass
            yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
            yield '\n'
        l_1_d = missing
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 1, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_gradients'))))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'gradients'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
    yield '\n'
    for l_1_g in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'gradients'):
        l_1_max_paths = resolve('max_paths')
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'heading'), 2, context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'h_parameter'), environment.getattr(l_1_g, 'symbol'), _loop_vars=_loop_vars), _loop_vars=_loop_vars))
        yield '\n'
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'chain'), environment.getattr(l_1_g, 'paths'), (undefined(name='max_paths') if l_1_max_paths is missing else l_1_max_paths), (undefined(name='arch') if l_0_arch is missing else l_0_arch), _loop_vars=_loop_vars), _loop_vars=_loop_vars))
        yield '\n'
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), environment.getattr(l_1_g, 'chain'), _loop_vars=_loop_vars))
        yield '\n'
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'compact'), (undefined(name='arch') if l_0_arch is missing else l_0_arch), _loop_vars=_loop_vars), _loop_vars=_loop_vars))
        yield '\n'
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), environment.getattr(l_1_g, 'compact'), _loop_vars=_loop_vars))
        yield '\n'
        if environment.getattr(l_1_g, 'expanded'):
            pass
            yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'expanded'), _loop_vars=_loop_vars), _loop_vars=_loop_vars))
            yield '\n'
            yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), environment.getattr(l_1_g, 'expanded'), _loop_vars=_loop_vars))
            yield '\n'
    l_1_g = l_1_max_paths = missing
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
    if environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'alpha'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'alpha'), environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'alpha'))))
        yield '\n'
    l_1_loop = missing
    for l_1_d, l_1_loop in LoopContext(environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'kinks'), undefined):
        _loop_vars = {}
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'kink'), environment.getitem(environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'kink_keys'), environment.getattr(l_1_loop, 'index0')), environment.getattr((undefined(name='arch') if l_0_arch is missing else l_0_arch), 'subgradient'), _loop_vars=_loop_vars), _loop_vars=_loop_vars))
        yield '\n'
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), l_1_d, _loop_vars=_loop_vars))
        yield '\n'
    l_1_loop = l_1_d = missing
    if environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'abs'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'absolute'), environment.getattr((undefined(name='arch') if l_0_arch is missing else l_0_arch), 'subgradient'))))
        yield '\n'
    if (environment.getattr((undefined(name='arch') if l_0_arch is missing else l_0_arch), 'loss') == 'cross_entropy'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'cross_entropy'))))
        yield '\n'
    if environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'half'):
        pass
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'para'), context.call(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'half'), (undefined(name='arch') if l_0_arch is missing else l_0_arch))))
        yield '\n'
        yield str(context.call(environment.getattr((undefined(name='fmt') if l_0_fmt is missing else l_0_fmt), 'display'), environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'), 'half')))
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
debug_info = '4=19&5=21&6=23&7=25&8=28&9=30&10=32&11=34&12=36&13=38&14=41&15=45&17=48&19=52&21=54&22=56&23=58&24=60&25=62&26=65&28=68&30=72&32=74&33=77&35=80&36=82&37=84&38=87&40=90&41=92&42=94&43=96&44=99&47=102&48=104&49=107&51=110&52=112&53=114&54=117&57=120&58=122&59=124&60=128&61=130&62=132&63=134&64=136&65=138&66=140&67=142&70=145&71=147&72=149&73=152&75=155&76=157&77=160&79=163&80=165&81=167&82=170&85=173&86=175&88=178&89=181&90=183&92=186&93=188&95=190&96=192&98=194&99=196&100=198&102=200&103=202&104=204&106=206'