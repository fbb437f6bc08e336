from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'worked.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_section = missing
    try:
        t_1 = environment.filters['inline']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'inline' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    pass
    def macro(l_1_fmt, l_1_t, l_1_example, l_1_arch):
        t_4 = []
        l_1_groups = missing
        if l_1_fmt is missing:
            l_1_fmt = undefined("parameter 'fmt' was not provided", name='fmt')
        if l_1_t is missing:
            l_1_t = undefined("parameter 't' was not provided", name='t')
        if l_1_example is missing:
            l_1_example = undefined("parameter 'example' was not provided", name='example')
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_4.extend((
            str(context.call(environment.getattr(l_1_fmt, 'heading'), 1, context.call(environment.getattr(l_1_t, 'h_example')))),
            '\n',
            str(context.call(environment.getattr(l_1_fmt, 'para'), context.call(environment.getattr(l_1_t, 'example_data'), environment.getattr(l_1_example, 'samples'), l_1_arch))),
            '\n',
        ))
        l_1_groups = [t_2(context.eval_ctx, t_3(context, environment.getattr(l_1_example, 'data'), 'inline'), ', ')]
        for l_2_group in environment.getattr(l_1_example, 'params'):
            l_2__ = missing
            _loop_vars = {}
            pass
            l_2__ = context.call(environment.getattr((undefined(name='groups') if l_1_groups is missing else l_1_groups), 'append'), t_2(context.eval_ctx, t_3(context, l_2_group, 'inline'), ', '), _loop_vars=_loop_vars)
            _loop_vars['_'] = l_2__
        l_2_group = l_2__ = missing
        t_4.extend((
            str(context.call(environment.getattr(l_1_fmt, 'items'), ((undefined(name='groups') if l_1_groups is missing else l_1_groups) + [t_1(environment.getattr(l_1_example, 'learning_rate'))]))),
            '\n',
        ))
        if environment.getattr(l_1_example, 'filled'):
            pass
            t_4.extend((
                str(context.call(environment.getattr(l_1_fmt, 'para'), context.call(environment.getattr(l_1_t, 'example_filled'), t_2(context.eval_ctx, t_3(context, environment.getattr(l_1_example, 'filled'), 'inline'), ', '), environment.getattr(l_1_example, 'seed')))),
                '\n',
            ))
        for l_2_s in environment.getattr(l_1_example, 'per_sample'):
            _loop_vars = {}
            pass
            t_4.extend((
                str(context.call(environment.getattr(l_1_fmt, 'heading'), 2, context.call(environment.getattr(l_1_t, 'h_example_forward'), l_1_arch, environment.getattr(l_2_s, 'label'), _loop_vars=_loop_vars), _loop_vars=_loop_vars)),
                '\n',
                str(context.call(environment.getattr(l_1_fmt, 'lines'), environment.getattr(l_2_s, 'forward'), numbered=True, _loop_vars=_loop_vars)),
                '\n',
                str(context.call(environment.getattr(l_1_fmt, 'heading'), 2, context.call(environment.getattr(l_1_t, 'h_example_backward'), l_1_arch, environment.getattr(l_2_s, 'label'), _loop_vars=_loop_vars), _loop_vars=_loop_vars)),
                '\n',
                str(context.call(environment.getattr(l_1_fmt, 'para'), context.call(environment.getattr(l_1_t, 'example_backward'), l_1_arch, environment.getattr(l_2_s, 'label'), _loop_vars=_loop_vars), _loop_vars=_loop_vars)),
                '\n',
                str(context.call(environment.getattr(l_1_fmt, 'lines'), environment.getattr(l_2_s, 'backward'), numbered=True, _loop_vars=_loop_vars)),
                '\n',
                str(context.call(environment.getattr(l_1_fmt, 'para'), context.call(environment.getattr(l_1_t, 'example_gradients'), l_1_arch, environment.getattr(l_2_s, 'label'), _loop_vars=_loop_vars), _loop_vars=_loop_vars)),
                '\n',
                str(context.call(environment.getattr(l_1_fmt, 'lines'), environment.getattr(l_2_s, 'gradients'), numbered=True, _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_s = missing
        if environment.getattr(l_1_example, 'loss'):
            pass
            t_4.extend((
                str(context.call(environment.getattr(l_1_fmt, 'heading'), 2, context.call(environment.getattr(l_1_t, 'h_example_batch')))),
                '\n',
                str(context.call(environment.getattr(l_1_fmt, 'para'), context.call(environment.getattr(l_1_t, 'example_batch'), environment.getattr(l_1_example, 'samples'), l_1_arch))),
                '\n',
                str(context.call(environment.getattr(l_1_fmt, 'lines'), ([environment.getattr(l_1_example, 'loss')] + environment.getattr(l_1_example, 'gradients')), numbered=True)),
                '\n',
            ))
        t_4.extend((
            str(context.call(environment.getattr(l_1_fmt, 'heading'), 2, context.call(environment.getattr(l_1_t, 'h_example_update')))),
            '\n',
            str(context.call(environment.getattr(l_1_fmt, 'lines'), environment.getattr(l_1_example, 'updates'))),
            '\n',
            str(context.call(environment.getattr(l_1_fmt, 'para'), context.call(environment.getattr(l_1_t, 'example_rounding'), environment.getattr(l_1_example, 'digits')))),
            '\n',
        ))
        return concat(t_4)
    context.exported_vars.add('section')
    context.vars['section'] = l_0_section = Macro(environment, macro, 'section', ('fmt', 't', 'example', 'arch'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '3=30&4=43&5=45&6=48&7=49&8=53&10=57&11=60&12=63&14=66&15=70&16=72&17=74&18=76&19=78&20=80&21=82&23=86&24=89&25=91&26=93&28=97&29=99&30=101'